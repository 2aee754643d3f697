using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Infrastructure;
using AssetForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AssetForge.Tests.Features.Variants;

/// <summary>V3 (statistics trigger and list indexes): its rollback, and the rebuild of existing rows when it is applied.</summary>
public sealed class VariantStatisticsMigrationTests
{
    [Fact]
    public async Task Rolling_back_V3_removes_the_trigger_and_restores_V2s_indexes_and_reapplying_it_rebuilds_every_row()
    {
        var server = await PostgresServer.GetAsync();
        var cs = await server.CreateMigratedDatabaseAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        var owner = await db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ($1) RETURNING id", $"did:privy:{Guid.NewGuid()}");
        var baseAsset = await db.ScalarAsync<Guid>("INSERT INTO assets (id, name, type, owner_id) VALUES (gen_random_uuid(), 'Base', 'w', $1) RETURNING id", owner);

        // Newer versions (the Errors slice's V4) go first, as docs/ROLLBACK.md says.
        await MigrationTests.RollBackAsync(db, downTo: 3);

        Assert.Empty(await db.ColumnAsync<string>("SELECT tgname::text FROM pg_trigger WHERE tgname LIKE 'asset_variants_statistics_%'"));
        Assert.Empty(await db.ColumnAsync<string>("SELECT proname::text FROM pg_proc WHERE proname LIKE 'variant_statistics_%'"));
        var indexes = await db.ColumnAsync<string>("SELECT indexname::text FROM pg_indexes WHERE tablename = 'asset_variants'");
        Assert.Contains("asset_variants_preset_idx", indexes);
        Assert.Contains("asset_variants_generation_status_idx", indexes);
        Assert.Contains("asset_variants_owner_idx", indexes);
        Assert.DoesNotContain("asset_variants_preset_created_idx", indexes);
        Assert.DoesNotContain("3", await db.ColumnAsync<string>("SELECT version FROM assetforge_changelog WHERE version IS NOT NULL"));

        // Without V3 nothing keeps the row: write what the old service would have left behind.
        await db.ExecuteAsync("""
            WITH a AS (
                INSERT INTO assets (id, name, type, owner_id) SELECT gen_random_uuid(), 'V', 'w', $2 FROM generate_series(1, 3) RETURNING id)
            INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id, generation_status, completed_at)
            SELECT $1, a.id, a.id::text, 'P', $2, 'completed', now() FROM a
            """, baseAsset, owner);
        await db.ExecuteAsync("INSERT INTO variant_statistics (base_asset_id, total_variants) VALUES ($1, 1)", baseAsset);

        Migrations.Apply(cs, NullLogger.Instance);

        Assert.Equal(3, (await db.ColumnAsync<string>("SELECT tgname::text FROM pg_trigger WHERE tgname LIKE 'asset_variants_statistics_%'")).Count);
        Assert.Equal("(3,3,0,3)", await db.ScalarAsync<string>(
            "SELECT row(total_variants, completed_variants, failed_variants, active_variants)::text FROM variant_statistics WHERE base_asset_id = $1",
            baseAsset));
    }
}
