namespace AssetForge.Features.Errors;

/// <summary>The bodies the document shows for the error routes: a texture upload that timed out at Meshy.</summary>
internal static class ErrorExamples
{
    public const string Report = """
        {"endpoint":"/api/pipelines/019ade6e-1c52-7a4e-9a63-5c1f0b2e8d41/stages/019ade6e-1c52-7b10-8c11-0a1b2c3d4e02",
         "method":"PATCH","message":"Meshy texture task timed out after 300 s","requestId":"req-7f3a9c",
         "errorCode":"MESHY_TIMEOUT","severity":"error","category":"external_api","statusCode":504,
         "externalService":"meshy","externalErrorCode":"TASK_TIMEOUT","externalErrorMessage":"Task exceeded its time limit",
         "context":{"attempt":3,"taskId":"0193a7c2-5e8b-7f01-b3c4-9d2e1f0a6b57"},"tags":["texture","retry-exhausted"]}
        """;

    private const string Summary = """
        "id":"019adf10-6b7c-7d8e-9f00-112233445566","userId":"019ade60-0a11-7c3d-8f4e-2b6a9c0d1e2f","requestId":"req-7f3a9c",
        "endpoint":"/api/pipelines/019ade6e-1c52-7a4e-9a63-5c1f0b2e8d41/stages/019ade6e-1c52-7b10-8c11-0a1b2c3d4e02",
        "method":"PATCH","errorCode":"MESHY_TIMEOUT","message":"Meshy texture task timed out after 300 s",
        "severity":"error","category":"external_api","statusCode":504,"externalService":"meshy"
        """;

    public const string Error = "{" + Summary + ",\"stack\":null" + ErrorTail + ""","resolved":false,"resolvedAt":null,"resolvedBy":null,"resolution":null,"ipAddress":"203.0.113.24","userAgent":"asset-worker/2.4","createdAt":"2026-12-02T09:41:07.204311Z"}""";

    private const string ErrorTail = """
        ,"requestBody":{"status":"failed"},"requestHeaders":{"authorization":"[REDACTED]","content-type":"application/json"},
        "responseBody":null,"externalErrorCode":"TASK_TIMEOUT","externalErrorMessage":"Task exceeded its time limit",
        "context":{"attempt":3,"taskId":"0193a7c2-5e8b-7f01-b3c4-9d2e1f0a6b57"},"tags":["texture","retry-exhausted"]
        """;

    public const string Resolve = """{"resolution":"Raised the Meshy task timeout to 600 s and retried the stage."}""";

    public const string Resolved = "{" + Summary + ",\"stack\":null" + ErrorTail + ""","resolved":true,"resolvedAt":"2026-12-02T10:05:00.000000Z","resolvedBy":"019ade61-2b3c-7d4e-8f90-a1b2c3d4e5f6","resolution":"Raised the Meshy task timeout to 600 s and retried the stage.","ipAddress":"203.0.113.24","userAgent":"asset-worker/2.4","createdAt":"2026-12-02T09:41:07.204311Z"}""";

    public const string Page = "{\"data\":[{" + Summary + ""","resolved":false,"resolvedAt":null,"createdAt":"2026-12-02T09:41:07.204311Z"}],"pagination":{"limit":20,"hasMore":false,"nextCursor":null}}""";

    public const string Stats = """
        {"from":"2026-12-01T10:00:00.000000Z","to":"2026-12-02T10:00:00.000000Z","total":57,"resolved":41,"unresolved":16,
         "bySeverity":{"debug":0,"info":3,"warning":12,"error":38,"critical":4},
         "byCategory":{"validation":9,"authentication":2,"authorization":1,"external_api":31,"database":0,"file_system":0,"network":6,"application":8,"unknown":0},
         "topEndpoints":[{"endpoint":"/api/pipelines","count":22},{"endpoint":"/api/assets","count":9}]}
        """;

    public const string Aggregations = """
        {"data":[{"id":"019adf20-0000-7000-8000-00000000a001","hourBucket":"2026-12-02T09:00:00.000000Z",
          "endpoint":"/api/pipelines","severity":"error","category":"external_api","externalService":"meshy","statusCode":504,
          "totalErrors":14,"uniqueUsers":5,"firstOccurrence":"2026-12-02T09:03:12.118000Z","lastOccurrence":"2026-12-02T09:58:40.930211Z",
          "updatedAt":"2026-12-02T10:00:05.002113Z"}],
         "pagination":{"limit":20,"hasMore":true,"nextCursor":"eyJ0IjoxNzY0NjY2MDAwMDAwMDAwLCJpIjoiMDE5YWRmMjAifQ"}}
        """;

    public const string Rebuild = """{"from":"2026-12-01T00:00:00.000000Z","to":"2026-12-02T00:00:00.000000Z"}""";

    public const string Rebuilt = """{"from":"2026-12-01T00:00:00.000000Z","to":"2026-12-02T00:00:00.000000Z","hours":24,"buckets":61,"changed":3,"removed":1}""";

    public const string Deleted = """{"deleted":1280}""";
}
