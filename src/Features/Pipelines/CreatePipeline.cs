using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Infrastructure.Http;
using AssetForge.Infrastructure.Identity;
using AssetForge.Infrastructure.Telemetry;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// POST /api/pipelines: a pipeline and its ordered stages, written by one statement (one transaction, one round
/// trip together with the read-back). Members create for themselves; admins may name another <c>userId</c>.
/// </summary>
public static partial class CreatePipeline
{
    public const int MaxStages = 20;

    /// <summary>A new pipeline: its generation settings, its stages in run order, and optional links.</summary>
    /// <param name="Config">Free-form generation settings: a JSON object of at most 64 KiB, stored as given.</param>
    /// <param name="Stages">The stages in the order they will run: 1 to 20, names unique.</param>
    /// <param name="AssetId">The asset the pipeline works on; it must be yours (admins: anyone's).</param>
    /// <param name="MeshyTaskId">The Meshy task id, to find the pipeline by it later (1..255 characters).</param>
    /// <param name="RiggingTaskId">The rigging service's task id (1..255 characters).</param>
    /// <param name="ExpiresAt">When to give up on the pipeline if it is still running; must be in the future. Default: 24 h from now.</param>
    /// <param name="UserId">Admins: create the pipeline for this user. Members may only name themselves.</param>
    public sealed record Request(
        JsonElement Config, Stage[] Stages, Guid? AssetId = null, string? MeshyTaskId = null, string? RiggingTaskId = null,
        DateTimeOffset? ExpiresAt = null, Guid? UserId = null);

    /// <summary>One stage of a new pipeline.</summary>
    /// <param name="Name">The stage's name (1..100 characters), unique within the pipeline.</param>
    public sealed record Stage(string Name);

    /// <summary>A registered validator of its own (not ChildRules), so the document states its bounds on the stage schema.</summary>
    public sealed class StageValidator : AbstractValidator<Stage>
    {
        public StageValidator() => RuleFor(s => s.Name).NotEmpty().MaximumLength(100);
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock, IValidator<Stage> stage)
        {
            RuleFor(r => r.Config).SmallJsonObject();
            RuleFor(r => r.Stages).Cascade(CascadeMode.Stop).NotEmpty()
                .ItemCount(1, MaxStages).WithMessage($"'{{PropertyName}}' must have between 1 and {MaxStages} stages.")
                .Must(s => s.Select(x => x?.Name).Distinct(StringComparer.Ordinal).Count() == s.Length)
                .WithMessage("Stage names must be unique.");
            RuleForEach(r => r.Stages).NotNull().SetValidator(stage);
            RuleFor(r => r.MeshyTaskId).NotEmpty().MaximumLength(255).When(r => r.MeshyTaskId is not null);
            RuleFor(r => r.RiggingTaskId).NotEmpty().MaximumLength(255).When(r => r.RiggingTaskId is not null);
            RuleFor(r => r.ExpiresAt).Must(e => e > clock.GetUtcNow()).When(r => r.ExpiresAt is not null)
                .WithMessage("'{PropertyName}' must be in the future.");
        }
    }

    /// <remarks>Creates a pipeline with its stages, all pending, in one transaction, and answers it with its Location and ETag. Members create for themselves; admins may name another userId. An Idempotency-Key makes a retried POST answer the first result instead of creating a second pipeline.</remarks>
    public static async Task<Results<Created<Pipeline>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Request request, CurrentUser user, NpgsqlConnection db, HttpResponse response, CancellationToken ct)
    {
        var owner = request.UserId ?? user.Id;
        if (!user.MayAccess(owner))
            return Problems.Status(StatusCodes.Status403Forbidden, "Only admins may create pipelines for another user.");

        var id = Guid.CreateVersion7();
        var stageIds = request.Stages.Select(_ => Guid.CreateVersion7()).ToArray();
        var names = request.Stages.Select(s => s.Name).ToArray();
        (WriteOutcome Outcome, PipelineRow? Row, List<StageRow> Stages) result;
        try
        {
            result = await InsertAsync(db, id, user.Id, user.IsAdmin, owner, request.AssetId, request.Config,
                request.MeshyTaskId, request.RiggingTaskId, request.ExpiresAt, stageIds, names, ct);
        }
        catch (PostgresException e) when (e.IsForeignKeyViolation("generation_pipelines_user_id_fkey"))
        {
            return Problems.Validation("userId", "No user has this id.");
        }
        catch (PostgresException e) when (e.IsForeignKeyViolation("generation_pipelines_asset_id_fkey"))
        {
            return UnknownAsset(); // deleted while we inserted
        }

        if (result.Outcome != WriteOutcome.Done || result.Row is null) return UnknownAsset();
        AppMetrics.PipelinesCreated.Add(1);
        ETags.Set(response, result.Row.Version);
        return TypedResults.Created($"/api/pipelines/{id}", result.Row.ToResponse(result.Stages));
    }

    private static ValidationProblem UnknownAsset() =>
        Problems.Validation("assetId", "No asset with this id is yours to use."); // same words whether it exists or not

    // The asset check sits in the INSERT's WHERE, so a pipeline never points at an asset its caller may not use;
    // stage_order is the stage's 0-based position in the request. expires_at defaults to 24 h on the database clock.
    [Query("""
        WITH pipeline AS (
            INSERT INTO generation_pipelines (id, user_id, asset_id, config, meshy_task_id, rigging_task_id, expires_at)
            SELECT @id, @ownerId, @assetId, @config, @meshyTaskId, @riggingTaskId, COALESCE(@expiresAt, now() + interval '24 hours')
            WHERE @assetId::uuid IS NULL OR EXISTS (SELECT FROM assets a WHERE a.id = @assetId AND (a.owner_id = @userId OR @isAdmin))
            RETURNING id
        ), stages AS (
            INSERT INTO pipeline_stages (id, pipeline_id, stage_name, stage_order)
            SELECT stage.id, pipeline.id, stage.name, stage.position - 1
            FROM pipeline, unnest(@stageIds::uuid[], @stageNames::text[]) WITH ORDINALITY AS stage (id, name, position)
        )
        SELECT CASE WHEN EXISTS (SELECT FROM pipeline) THEN 'done' ELSE 'invalid' END
        """, PipelineSql.Visible, PipelineSql.VisibleStages)]
    private static partial Task<(WriteOutcome, PipelineRow?, List<StageRow>)> InsertAsync(NpgsqlConnection db, Guid id, Guid userId,
        bool isAdmin, Guid ownerId, Guid? assetId, JsonElement config, string? meshyTaskId, string? riggingTaskId,
        DateTimeOffset? expiresAt, Guid[] stageIds, string[] stageNames, CancellationToken ct);
}
