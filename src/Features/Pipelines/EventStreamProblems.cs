using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// EventSource asks for `Accept: text/event-stream` only, which the framework's problem writer declines: a refused
/// stream (400, 403, 404, 429) would leave without its problem+json body and without the fields every problem carries.
/// This writer answers those requests with the same problem the default writer would have written.
/// </summary>
internal sealed class EventStreamProblemWriter(IOptions<ProblemDetailsOptions> problems, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problems.Value.CustomizeProblemDetails?.Invoke(context);
        problem.Title ??= ReasonPhrase(problem.Status.Value);
        var typeInfo = json.Value.SerializerOptions.GetTypeInfo(problem.GetType());
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, typeInfo, "application/problem+json", http.RequestAborted));
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
