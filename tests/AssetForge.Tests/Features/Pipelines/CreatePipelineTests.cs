using System.Net;
using System.Text.Json;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Features.Pipelines;

public sealed class CreatePipelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Creates_the_pipeline_and_its_ordered_stages_with_location_and_etag()
    {
        var user = await factory.SignInAsync();
        var response = await user.Client.PostAsync("/api/pipelines", Http.Json("""
            {"config":{"model":"3d-character","quality":"high"},
             "stages":[{"name":"mesh"},{"name":"texture"},{"name":"rig"}],
             "meshyTaskId":"meshy-123","riggingTaskId":"rig-9"}
            """));
        var pipeline = await response.AssertStatusAsync(HttpStatusCode.Created);

        var id = pipeline.GetProperty("id").GetGuid();
        Assert.Equal($"/api/pipelines/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(user.Id, pipeline.GetProperty("userId").GetGuid());
        Assert.Equal("initializing", pipeline.GetProperty("status").GetString());
        Assert.Equal(0, pipeline.GetProperty("progress").GetInt32());
        Assert.Equal("high", pipeline.GetProperty("config").GetProperty("quality").GetString());
        Assert.Equal(JsonValueKind.Object, pipeline.GetProperty("results").ValueKind);
        Assert.Equal("meshy-123", pipeline.GetProperty("meshyTaskId").GetString());
        Assert.Equal(JsonValueKind.Null, pipeline.GetProperty("assetId").ValueKind);
        Assert.EndsWith("Z", pipeline.GetProperty("createdAt").GetString());

        var stages = pipeline.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["mesh", "texture", "rig"], stages.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([0, 1, 2], stages.Select(s => s.GetProperty("order").GetInt32()));
        Assert.All(stages, s => Assert.Equal("pending", s.GetProperty("status").GetString()));
        Assert.All(stages, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("durationMs").ValueKind));

        // What the response says is what the tables hold.
        Assert.Equal(["mesh", "texture", "rig"], await factory.Db.ColumnAsync<string>(
            "SELECT stage_name FROM pipeline_stages WHERE pipeline_id = $1 ORDER BY stage_order", id));
        Assert.Equal([0, 1, 2], await factory.Db.ColumnAsync<int>(
            "SELECT stage_order FROM pipeline_stages WHERE pipeline_id = $1 ORDER BY stage_order", id));
        Assert.Equal(user.Id, await factory.Db.ScalarAsync<Guid>("SELECT user_id FROM generation_pipelines WHERE id = $1", id));
    }

    [Fact]
    public async Task ExpiresAt_defaults_to_24_hours_after_creation_on_the_database_clock()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        Assert.True(await factory.Db.ScalarAsync<bool>(
            "SELECT expires_at = created_at + interval '24 hours' FROM generation_pipelines WHERE id = $1", created.Id));
        var createdAt = created.Body.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(createdAt.AddHours(24), created.Body.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_explicit_expiresAt_is_kept()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user, extra: ""","expiresAt":"2099-01-02T03:04:05+02:00" """);
        Assert.Equal("2099-01-02T01:04:05.000000Z", created.Body.GetProperty("expiresAt").GetString());
        Assert.Equal(new DateTime(2099, 1, 2, 1, 4, 5, DateTimeKind.Utc), await factory.Db.ScalarAsync<DateTime>(
            "SELECT expires_at FROM generation_pipelines WHERE id = $1", created.Id));
    }

    [Fact]
    public async Task AssetId_must_be_an_asset_the_caller_owns_and_admins_may_use_any()
    {
        var owner = await factory.SignInAsync();
        var asset = await (await owner.Client.PostAsync("/api/assets", Http.Json("""{"name":"Knight","type":"character"}""")))
            .AssertStatusAsync(HttpStatusCode.Created);
        var assetId = asset.GetProperty("id").GetGuid();

        var mine = await PipelineKit.CreateAsync(owner, extra: $$""","assetId":"{{assetId}}" """);
        Assert.Equal(assetId, mine.Body.GetProperty("assetId").GetGuid());

        var stranger = await factory.SignInAsync();
        foreach (var id in new[] { assetId, Guid.NewGuid() }) // someone else's, and none at all: the same answer
        {
            var problem = await (await stranger.Client.PostAsync("/api/pipelines", Http.Json(
                    $$"""{"config":{},"stages":[{"name":"mesh"}],"assetId":"{{id}}"}""")))
                .AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("assetId", out _), problem.ToString());
        }
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM generation_pipelines WHERE user_id = $1", stranger.Id));
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>(
            "SELECT count(*) FROM pipeline_stages s JOIN generation_pipelines p ON p.id = s.pipeline_id WHERE p.user_id = $1", stranger.Id));

        var admin = await factory.SignInAsync(admin: true);
        var adminPipeline = await PipelineKit.CreateAsync(admin, extra: $$""","assetId":"{{assetId}}" """);
        Assert.Equal(assetId, adminPipeline.Body.GetProperty("assetId").GetGuid());
    }

    [Fact]
    public async Task Admins_may_create_for_another_user_and_members_only_for_themselves()
    {
        var member = await factory.SignInAsync();
        var admin = await factory.SignInAsync(admin: true);

        var forMember = await PipelineKit.CreateAsync(admin, extra: $$""","userId":"{{member.Id}}" """);
        Assert.Equal(member.Id, forMember.Body.GetProperty("userId").GetGuid());
        await (await member.Client.GetAsync($"/api/pipelines/{forMember.Id}")).AssertStatusAsync(HttpStatusCode.OK);

        var self = await PipelineKit.CreateAsync(member, extra: $$""","userId":"{{member.Id}}" """);
        Assert.Equal(member.Id, self.Body.GetProperty("userId").GetGuid());

        await (await member.Client.PostAsync("/api/pipelines", Http.Json(
                $$"""{"config":{},"stages":[{"name":"mesh"}],"userId":"{{admin.Id}}"}""")))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM generation_pipelines WHERE user_id = $1", admin.Id));

        var problem = await (await admin.Client.PostAsync("/api/pipelines", Http.Json(
                $$"""{"config":{},"stages":[{"name":"mesh"}],"userId":"{{Guid.NewGuid()}}"}""")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _), problem.ToString());
    }

    public static TheoryData<string, string> InvalidBodies()
    {
        var twentyOne = string.Join(",", Enumerable.Range(1, 21).Select(i => $$"""{"name":"s{{i}}"}"""));
        var bigConfig = $$"""{"blob":"{{new string('x', 64 * 1024)}}"}""";
        return new()
        {
            { """{"stages":[{"name":"mesh"}]}""", "config" },
            { """{"config":null,"stages":[{"name":"mesh"}]}""", "config" },
            { """{"config":[1,2],"stages":[{"name":"mesh"}]}""", "config" },
            { """{"config":"text","stages":[{"name":"mesh"}]}""", "config" },
            { $$"""{"config":{{bigConfig}},"stages":[{"name":"mesh"}]}""", "config" },
            { """{"config":{}}""", "stages" },
            { """{"config":{},"stages":[]}""", "stages" },
            { $$"""{"config":{},"stages":[{{twentyOne}}]}""", "stages" },
            { """{"config":{},"stages":[{"name":"mesh"},{"name":"mesh"}]}""", "stages" },
            { """{"config":{},"stages":[{"name":""}]}""", "stages[0].name" },
            { $$"""{"config":{},"stages":[{"name":"{{new string('n', 101)}}"}]}""", "stages[0].name" },
            { """{"config":{},"stages":[{"name":"mesh","order":3}]}""", "stages[0].order" },
            { """{"config":{},"stages":[{"name":"mesh"}],"expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt" },
            { """{"config":{},"stages":[{"name":"mesh"}],"expiresAt":"tomorrow"}""", "expiresAt" },
            { """{"config":{},"stages":[{"name":"mesh"}],"assetId":"not-a-uuid"}""", "assetId" },
            { $$"""{"config":{},"stages":[{"name":"mesh"}],"meshyTaskId":"{{new string('m', 256)}}"}""", "meshyTaskId" },
            { """{"config":{},"stages":[{"name":"mesh"}],"status":"completed"}""", "status" },
            { """{"config":{},"stages":[{"name":"mesh"}]""", "body" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_bodies_are_400_problems_naming_the_field_and_store_nothing(string body, string field)
    {
        var user = await factory.SignInAsync();
        var problem = await (await user.Client.PostAsync("/api/pipelines", Http.Json(body))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.EnumerateObject().Any(e => e.Name == field || e.Name.StartsWith(field + "[", StringComparison.Ordinal)
                                                      || field == "body"), problem.ToString());
        Assert.Equal(0L, await factory.Db.ScalarAsync<long>("SELECT count(*) FROM generation_pipelines WHERE user_id = $1", user.Id));
    }

    [Fact]
    public async Task Twenty_stages_with_100_character_names_are_accepted()
    {
        var user = await factory.SignInAsync();
        var names = Enumerable.Range(0, 20).Select(i => $"{i:00}" + new string('x', 98)).ToArray();
        var created = await PipelineKit.CreateAsync(user, JsonSerializer.Serialize(names));
        Assert.Equal(names, created.Body.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(19, await factory.Db.ScalarAsync<int>("SELECT max(stage_order) FROM pipeline_stages WHERE pipeline_id = $1", created.Id));
    }

    [Fact]
    public async Task Requires_a_token()
    {
        var response = await factory.CreateClient().PostAsync("/api/pipelines", Http.Json("""{"config":{},"stages":[{"name":"a"}]}"""));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
