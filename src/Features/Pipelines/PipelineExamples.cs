namespace AssetForge.Features.Pipelines;

/// <summary>
/// The request and answer bodies the document shows for each pipeline route: one story (a character generated,
/// then rigged) so that Scalar's "try it" requests, sent in order, work against a real server.
/// </summary>
internal static class PipelineExamples
{
    public const string Id = "019ade6e-1c52-7a4e-9a63-5c1f0b2e8d41";
    private const string UserId = "019ade60-0a11-7c3d-8f4e-2b6a9c0d1e2f";

    public const string Create = """
        {"config":{"prompt":"a low-poly fox knight with a round shield","artStyle":"stylized","targetPolycount":30000},
         "stages":[{"name":"generate"},{"name":"texture"},{"name":"rig"}],
         "meshyTaskId":"0193a7c2-5e8b-7f01-b3c4-9d2e1f0a6b57"}
        """;

    private const string Fields = $$"""
        "id":"{{Id}}","userId":"{{UserId}}","assetId":null,
        "config":{"prompt":"a low-poly fox knight with a round shield","artStyle":"stylized","targetPolycount":30000},
        "status":"processing","progress":40,"currentStage":"texture","error":null,"errorStage":null,"errorDetails":null,
        "results":{},"meshyTaskId":"0193a7c2-5e8b-7f01-b3c4-9d2e1f0a6b57","riggingTaskId":null,
        "createdAt":"2026-12-02T09:30:00.123456Z","startedAt":"2026-12-02T09:30:02.500000Z","completedAt":null,
        "updatedAt":"2026-12-02T09:34:41.018733Z","expiresAt":"2026-12-03T09:30:00.123456Z"
        """;

    public const string Stages = """
        "stages":[
         {"id":"019ade6e-1c52-7b10-8c11-0a1b2c3d4e01","name":"generate","order":0,"status":"completed","progress":100,
          "result":{"modelUrl":"https://cdn.example.com/models/fox-knight.glb"},"error":null,"errorDetails":null,
          "startedAt":"2026-12-02T09:30:02.500000Z","completedAt":"2026-12-02T09:33:10.250000Z","durationMs":187750},
         {"id":"019ade6e-1c52-7b10-8c11-0a1b2c3d4e02","name":"texture","order":1,"status":"processing","progress":20,
          "result":null,"error":null,"errorDetails":null,"startedAt":"2026-12-02T09:33:10.300000Z","completedAt":null,"durationMs":null},
         {"id":"019ade6e-1c52-7b10-8c11-0a1b2c3d4e03","name":"rig","order":2,"status":"pending","progress":0,
          "result":null,"error":null,"errorDetails":null,"startedAt":null,"completedAt":null,"durationMs":null}]
        """;

    public const string Pipeline = "{" + Fields + "," + Stages + "}";

    /// <summary>What POST answers: nothing has run yet.</summary>
    public const string Created = $$"""
        {"id":"{{Id}}","userId":"{{UserId}}","assetId":null,
         "config":{"prompt":"a low-poly fox knight with a round shield","artStyle":"stylized","targetPolycount":30000},
         "status":"initializing","progress":0,"currentStage":null,"error":null,"errorStage":null,"errorDetails":null,
         "results":{},"meshyTaskId":"0193a7c2-5e8b-7f01-b3c4-9d2e1f0a6b57","riggingTaskId":null,
         "createdAt":"2026-12-02T09:30:00.123456Z","startedAt":null,"completedAt":null,
         "updatedAt":"2026-12-02T09:30:00.123456Z","expiresAt":"2026-12-03T09:30:00.123456Z",
         "stages":[
          {"id":"019ade6e-1c52-7b10-8c11-0a1b2c3d4e01","name":"generate","order":0,"status":"pending","progress":0,"result":null,"error":null,"errorDetails":null,"startedAt":null,"completedAt":null,"durationMs":null},
          {"id":"019ade6e-1c52-7b10-8c11-0a1b2c3d4e02","name":"texture","order":1,"status":"pending","progress":0,"result":null,"error":null,"errorDetails":null,"startedAt":null,"completedAt":null,"durationMs":null},
          {"id":"019ade6e-1c52-7b10-8c11-0a1b2c3d4e03","name":"rig","order":2,"status":"pending","progress":0,"result":null,"error":null,"errorDetails":null,"startedAt":null,"completedAt":null,"durationMs":null}]}
        """;

    public const string Summary = "{" + Fields + "}";

    public const string Page = """{"data":[""" + Summary + """],"pagination":{"limit":20,"hasMore":true,"nextCursor":"eyJ0IjoxNzY0NjY3ODAwMTIzNDU2LCJpIjoiMDE5YWRlNmUifQ"}}""";

    public const string Progress = """{"progress":40,"currentStage":"texture"}""";

    public const string Status = """{"status":"processing"}""";

    public const string Stage = """{"status":"completed","progress":100,"result":{"modelUrl":"https://cdn.example.com/models/fox-knight.glb"}}""";

    public const string Cleanup = """{"olderThan":"2026-11-01T00:00:00.000000Z"}""";

    public const string Cleaned = """{"deleted":42}""";

    public const string Statistics = """
        {"total":120,"byStatus":{"initializing":3,"processing":7,"completed":98,"failed":10,"cancelled":2},
         "successRate":0.8909090909090909,"averageDurationMs":412345.5}
        """;

    public const string SnapshotEvent = """{"event":"snapshot","id":"747","data":""" + Pipeline + "}";

    public const string ListSnapshotEvent = """{"event":"snapshot","data":""" + Page + "}";
}
