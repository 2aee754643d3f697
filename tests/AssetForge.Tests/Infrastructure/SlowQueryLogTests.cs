using System.Diagnostics;
using System.Net;
using AssetForge.Tests.Features.Pipelines;
using AssetForge.Tests.Support;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// The slow-query log times the generated queries themselves, so with no tracer exporting, nothing listens to
/// Npgsql's command activities: a listener there makes Npgsql start an Activity for every command and build a batch's
/// whole SQL text for it. (The log's own warning is tested in <see cref="TelemetryTests"/>.) Activity listeners are
/// process-wide, hence the collection that runs alone, after the hosts that trace.
/// </summary>
[Collection(ProcessWideMetrics.Name)]
public sealed class SlowQueryLogTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task With_the_log_on_and_no_tracer_nothing_listens_to_npgsqls_command_activities()
    {
        var user = await factory.SignInAsync();
        var created = await PipelineKit.CreateAsync(user);
        await (await user.Client.GetAsync($"/api/pipelines/{created.Id}")).AssertStatusAsync(HttpStatusCode.OK);

        using var npgsql = new ActivitySource("Npgsql"); // listeners pick sources by name, so this one is asked too
        Assert.False(npgsql.HasListeners(), "something listens to Npgsql's activities with the slow-query log at its default");
    }
}
