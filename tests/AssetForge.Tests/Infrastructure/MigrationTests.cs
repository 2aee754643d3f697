using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

/// <summary>The schema the migrations build, and the rules it enforces on its own.</summary>
public sealed class MigrationTests : IAsyncLifetime
{
    private static readonly string[] CheckedTables = ["generation_pipelines", "pipeline_stages", "error_aggregations"];

    private static readonly string[] Tables =
        ["generation_pipelines", "pipeline_stages", "asset_variants", "variant_statistics", "api_errors", "error_aggregations"];
    private static readonly string[] Enums = ["pipeline_status", "stage_status", "error_severity", "error_category"];

    private PostgresServer _server = null!;
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _db = NpgsqlDataSource.Create(await _server.CreateMigratedDatabaseAsync());
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _server.DropDatabaseAsync(_db.ConnectionString);
    }

    [Fact]
    public async Task Creates_the_six_tables_and_four_enums_with_their_labels()
    {
        var tables = await _db.ColumnAsync<string>("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.All(Tables.Concat(["users", "assets"]), t => Assert.Contains(t, tables));

        var labels = await _db.ColumnAsync<string>(
            "SELECT t.typname || ':' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1");
        Assert.Equal(
            [
                "error_category:validation,authentication,authorization,external_api,database,file_system,network,application,unknown",
                "error_severity:debug,info,warning,error,critical",
                "pipeline_status:initializing,processing,completed,failed,cancelled",
                "stage_status:pending,processing,completed,failed,skipped",
            ],
            labels);
    }

    [Fact]
    public async Task Every_table_has_the_columns_of_the_data_model()
    {
        var columns = await _db.ColumnAsync<string>("""
            SELECT table_name || '.' || column_name || ':' || udt_name || ':' || is_nullable
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY($1)
            """, (object)CheckedTables);
        Assert.Contains("generation_pipelines.config:jsonb:NO", columns);
        Assert.Contains("generation_pipelines.status:pipeline_status:NO", columns);
        Assert.Contains("generation_pipelines.expires_at:timestamptz:YES", columns);
        Assert.Contains("pipeline_stages.duration:int4:YES", columns);
        Assert.Contains("error_aggregations.endpoint:varchar:YES", columns);
        Assert.Equal(18, columns.Count(c => c.StartsWith("generation_pipelines.")));
        Assert.Equal(14, columns.Count(c => c.StartsWith("pipeline_stages.")));
        Assert.Equal(12, columns.Count(c => c.StartsWith("error_aggregations.")));
    }

    [Fact]
    public async Task No_index_is_a_leading_prefix_of_another_on_the_same_table()
    {
        // The old service's defect: an index on user_id beside one on (user_id, status), and so on.
        var redundant = await _db.ColumnAsync<string>("""
            WITH ix AS (
                SELECT i.indrelid, c.relname AS name, i.indkey::int2[] AS keys, i.indoption::int2[] AS opts, i.indpred IS NULL AS total
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public')
            SELECT a.name || ' is covered by ' || b.name FROM ix a JOIN ix b ON a.indrelid = b.indrelid AND a.name <> b.name
            WHERE a.total AND b.total AND cardinality(a.keys) <= cardinality(b.keys)
              AND a.keys = b.keys[1:cardinality(a.keys)] AND (cardinality(a.keys) < cardinality(b.keys) OR a.name > b.name)
              AND NOT (a.name LIKE '%_pkey' OR a.name LIKE '%_key')
            """);
        Assert.Empty(redundant);
    }

    [Fact]
    public async Task Keyset_lists_have_indexes_ending_in_the_id_tie_breaker()
    {
        var definitions = await _db.ColumnAsync<string>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'");
        Assert.Contains(definitions, d => d.Contains("generation_pipelines USING btree (user_id, created_at DESC, id DESC)"));
        Assert.Contains(definitions, d => d.Contains("generation_pipelines USING btree (created_at DESC, id DESC)"));
        Assert.Contains(definitions, d => d.Contains("api_errors USING btree (created_at DESC, id DESC)"));
        Assert.Contains(definitions, d => d.Contains("error_aggregations_bucket_key") && d.Contains("NULLS NOT DISTINCT"));
    }

    [Fact]
    public async Task Duplicate_preset_for_an_asset_is_a_unique_violation()
    {
        var (user, baseAsset, variantAsset) = await SeedUserWithAssetsAsync();
        const string insert = """
            INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id)
            VALUES ($1, $2, 'gold', 'Gold', $3)
            """;
        await _db.ExecuteAsync(insert, baseAsset, variantAsset, user);
        var e = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(insert, baseAsset, variantAsset, user));
        Assert.True(e.IsUniqueViolation("asset_variants_base_preset_key"), e.Message);
    }

    [Fact]
    public async Task Unknown_generation_status_is_a_check_violation()
    {
        var (user, baseAsset, variantAsset) = await SeedUserWithAssetsAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync("""
            INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id, generation_status)
            VALUES ($1, $2, 'gold', 'Gold', $3, 'exploded')
            """, baseAsset, variantAsset, user));
        Assert.True(e.IsCheckViolation("asset_variants_generation_status_check"), e.Message);
    }

    [Fact]
    public async Task Aggregation_key_treats_nulls_as_equal()
    {
        const string insert = "INSERT INTO error_aggregations (hour_bucket, endpoint, severity) VALUES ('2026-01-01T10:00Z', NULL, NULL)";
        await _db.ExecuteAsync(insert);
        var e = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(insert));
        Assert.True(e.IsUniqueViolation("error_aggregations_bucket_key"), e.Message);
    }

    [Fact]
    public async Task Deleting_a_user_cascades_to_what_they_own_and_unlinks_their_errors()
    {
        var (user, baseAsset, variantAsset) = await SeedUserWithAssetsAsync();
        var pipeline = await _db.ScalarAsync<Guid>(
            "INSERT INTO generation_pipelines (user_id, asset_id, config) VALUES ($1, $2, '{}') RETURNING id", user, baseAsset);
        await _db.ExecuteAsync("INSERT INTO pipeline_stages (pipeline_id, stage_name, stage_order) VALUES ($1, 'mesh', 0)", pipeline);
        await _db.ExecuteAsync("""
            INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id) VALUES ($1, $2, 'gold', 'Gold', $3)
            """, baseAsset, variantAsset, user);
        // Where a migration already keeps statistics (V4's trigger), the row is there: either way there is one to cascade.
        await _db.ExecuteAsync("INSERT INTO variant_statistics (base_asset_id, total_variants) VALUES ($1, 1) ON CONFLICT (base_asset_id) DO NOTHING", baseAsset);
        var error = await _db.ScalarAsync<Guid>(
            "INSERT INTO api_errors (user_id, endpoint, method, error_message, resolved_by) VALUES ($1, '/x', 'GET', 'boom', $1) RETURNING id", user);

        Assert.Equal(1, await _db.ExecuteAsync("DELETE FROM users WHERE id = $1", user));

        foreach (var (table, column, id) in new[]
                 {
                     ("generation_pipelines", "id", pipeline), ("pipeline_stages", "pipeline_id", pipeline),
                     ("assets", "owner_id", user), ("asset_variants", "owner_id", user), ("variant_statistics", "base_asset_id", baseAsset),
                 })
            Assert.Equal(0L, await _db.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {column} = $1", id));
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM api_errors WHERE id = $1 AND user_id IS NULL AND resolved_by IS NULL", error));
    }

    [Fact]
    public async Task Updated_at_moves_on_every_update()
    {
        var (user, _, _) = await SeedUserWithAssetsAsync();
        var pipeline = await _db.ScalarAsync<Guid>("INSERT INTO generation_pipelines (user_id, config) VALUES ($1, '{}') RETURNING id", user);
        var before = await _db.ScalarAsync<DateTime>("SELECT updated_at FROM generation_pipelines WHERE id = $1", pipeline);
        await _db.ExecuteAsync("UPDATE generation_pipelines SET progress = 5 WHERE id = $1", pipeline);
        var after = await _db.ScalarAsync<DateTime>("SELECT updated_at FROM generation_pipelines WHERE id = $1", pipeline);
        Assert.True(after > before);
    }

    [Fact]
    public async Task Progress_outside_0_to_100_is_a_check_violation()
    {
        var (user, _, _) = await SeedUserWithAssetsAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            _db.ExecuteAsync("INSERT INTO generation_pipelines (user_id, config, progress) VALUES ($1, '{}', 101)", user));
        Assert.True(e.IsCheckViolation("generation_pipelines_progress_check"), e.Message);
    }

    [Fact]
    public async Task Rolling_back_V2_removes_its_objects_keeps_V1_data_and_migrates_up_again()
    {
        var cs = await _server.CreateMigratedDatabaseAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        var user = await db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ('did:privy:keep-me') RETURNING id");

        await RollBackAsync(db, downTo: 2);

        var tables = await db.ColumnAsync<string>("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Empty(Tables.Intersect(tables));
        var enums = await db.ColumnAsync<string>("SELECT typname::text FROM pg_type WHERE typtype = 'e'");
        Assert.Empty(Enums.Intersect(enums));
        Assert.Equal(user, await db.ScalarAsync<Guid>("SELECT id FROM users WHERE privy_user_id = 'did:privy:keep-me'"));
        Assert.Equal(["1"], await db.ColumnAsync<string>("SELECT version FROM assetforge_changelog WHERE name LIKE 'V%'"));

        Migrations.Apply(cs, NullLogger.Instance);

        tables = await db.ColumnAsync<string>("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Empty(Tables.Except(tables));
        Assert.Equal(user, await db.ScalarAsync<Guid>("SELECT id FROM users WHERE privy_user_id = 'did:privy:keep-me'"));
    }

    [Fact]
    public async Task An_edited_applied_migration_stops_start_up_with_a_clear_message()
    {
        var cs = await _server.CreateMigratedDatabaseAsync();
        await using var db = NpgsqlDataSource.Create(cs);
        await db.ExecuteAsync("UPDATE assetforge_changelog SET checksum = 'edited' WHERE version = '1'");

        var e = Assert.Throws<MigrationException>(() => Migrations.Apply(cs, NullLogger.Instance));
        Assert.Contains("V1__product_tables.sql", e.Message);
        Assert.Contains("must never be edited", e.Message);
    }

    [Fact]
    public async Task Replicas_migrating_an_empty_database_at_once_apply_each_version_once()
    {
        var cs = await _server.CreateEmptyDatabaseAsync();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrations.Apply(cs, NullLogger.Instance))));

        await using var db = NpgsqlDataSource.Create(cs);
        Assert.Equal(Migrations.ExpectedVersions, await db.ColumnAsync<string>(
            "SELECT version FROM assetforge_changelog WHERE name LIKE 'V%' AND success ORDER BY id"));
    }

    private async Task<(Guid User, Guid BaseAsset, Guid VariantAsset)> SeedUserWithAssetsAsync()
    {
        var user = await _db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ($1) RETURNING id", $"did:privy:{Guid.NewGuid()}");
        var baseAsset = await _db.ScalarAsync<Guid>("INSERT INTO assets (id, name, type, owner_id) VALUES (gen_random_uuid(), 'Sword', 'weapon', $1) RETURNING id", user);
        var variantAsset = await _db.ScalarAsync<Guid>("INSERT INTO assets (id, name, type, owner_id) VALUES (gen_random_uuid(), 'Gold sword', 'weapon', $1) RETURNING id", user);
        return (user, baseAsset, variantAsset);
    }

    /// <summary>Runs db/rollback's down scripts from the newest down to <paramref name="downTo"/>, as docs/ROLLBACK.md says.</summary>
    internal static async Task RollBackAsync(NpgsqlDataSource db, int downTo)
    {
        var scripts = Directory.GetFiles(Repository.File("db/rollback"), "V*__*.down.sql")
            .Select(path => (Path: path, Version: int.Parse(Path.GetFileName(path)[1..].Split("__")[0])))
            .Where(s => s.Version >= downTo)
            .OrderByDescending(s => s.Version);
        foreach (var script in scripts) await db.ExecuteAsync(await File.ReadAllTextAsync(script.Path));
    }
}
