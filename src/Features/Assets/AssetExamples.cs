namespace AssetForge.Features.Assets;

/// <summary>The bodies the document shows for the asset routes.</summary>
internal static class AssetExamples
{
    public const string Create = """
        {"name":"Fox knight","type":"character","description":"Low-poly knight for the forest level",
         "cdnUrl":"https://cdn.example.com/models/fox-knight.glb","cdnThumbnailUrl":"https://cdn.example.com/thumbs/fox-knight.png",
         "isBaseModel":true,"metadata":{"polycount":29874,"license":"studio"}}
        """;

    public const string Asset = """
        {"id":"019ade5f-3a2b-7c4d-9e8f-0a1b2c3d4e5f","ownerId":"019ade60-0a11-7c3d-8f4e-2b6a9c0d1e2f","name":"Fox knight",
         "description":"Low-poly knight for the forest level","type":"character","subtype":null,"category":null,
         "isBaseModel":true,"isVariant":false,"status":"draft","visibility":"private",
         "cdnUrl":"https://cdn.example.com/models/fox-knight.glb","cdnThumbnailUrl":"https://cdn.example.com/thumbs/fox-knight.png",
         "metadata":{"polycount":29874,"license":"studio"},"createdAt":"2026-12-02T09:12:45.551020Z","updatedAt":"2026-12-02T09:12:45.551020Z"}
        """;
}
