namespace AssetForge.Features.Variants;

/// <summary>The bodies the document shows for the variant routes: a gold-plate variant of the fox knight.</summary>
internal static class VariantExamples
{
    private const string BaseAssetId = "019ade5f-3a2b-7c4d-9e8f-0a1b2c3d4e5f";
    private const string VariantAssetId = "019ade7a-4c5d-7e6f-8a9b-0c1d2e3f4a5b";

    public const string Create = $$"""
        {"variantAssetId":"{{VariantAssetId}}","presetId":"gold-plate","presetName":"Gold plate",
         "presetCategory":"metal","presetTier":"premium","presetColor":"#d4af37",
         "stylePrompt":"polished gold armour plates with engraved leaf patterns","metadata":{"seed":881731},
         "retextureTaskId":"0193a7d0-9a8b-7c6d-b5e4-f3a2b1c0d9e8"}
        """;

    public const string Variant = $$"""
        {"id":"019ade7b-5d6e-7f80-9a1b-2c3d4e5f6a7b","baseAssetId":"{{BaseAssetId}}","variantAssetId":"{{VariantAssetId}}",
         "ownerId":"019ade60-0a11-7c3d-8f4e-2b6a9c0d1e2f","presetId":"gold-plate","presetName":"Gold plate",
         "presetCategory":"metal","presetTier":"premium","presetColor":"#d4af37",
         "retextureTaskId":"0193a7d0-9a8b-7c6d-b5e4-f3a2b1c0d9e8","generationStatus":"processing","generationError":null,
         "stylePrompt":"polished gold armour plates with engraved leaf patterns","metadata":{"seed":881731},
         "displayOrder":3,"isActive":true,"createdAt":"2026-12-02T09:50:11.300100Z","updatedAt":"2026-12-02T09:51:02.774000Z",
         "completedAt":null,
         "variantAsset":{"id":"{{VariantAssetId}}","name":"Fox knight (gold plate)",
          "thumbnailUrl":"https://cdn.example.com/thumbs/fox-knight-gold.png","modelUrl":"https://cdn.example.com/models/fox-knight-gold.glb"} }
        """;

    public const string CursorPage = """{"data":[""" + Variant + """],"pagination":{"limit":20,"hasMore":false,"nextCursor":null}}""";

    public const string OffsetPage = """{"data":[""" + Variant + """],"pagination":{"limit":20,"page":1,"total":1,"hasMore":false}}""";

    public const string Order = """{"variantIds":["019ade7b-5d6e-7f80-9a1b-2c3d4e5f6a7b","019ade7c-1111-7222-8333-444455556666"]}""";

    public const string Update = """{"displayOrder":5,"isActive":false}""";

    public const string Status = """{"status":"completed"}""";

    public const string Statistics = $$"""
        {"baseAssetId":"{{BaseAssetId}}","totalVariants":4,"completedVariants":3,"failedVariants":0,"activeVariants":3,
         "lastVariantCreated":"2026-12-02T09:50:11.300100Z","lastVariantCompleted":"2026-12-02T09:20:44.100000Z"}
        """;
}
