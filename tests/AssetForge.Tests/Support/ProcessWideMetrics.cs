namespace AssetForge.Tests.Support;

/// <summary>
/// Classes that read metrics run alone, after the parallel classes: OpenTelemetry listens to meters by name across
/// the whole test process, so another host's requests, streams and instruments would move (or shadow) the readings
/// of the host under test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "Process-wide metrics";
}
