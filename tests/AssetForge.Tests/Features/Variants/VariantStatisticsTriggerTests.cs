using AssetForge.Tests.Support;
using Npgsql;

namespace AssetForge.Tests.Features.Variants;

/// <summary>
/// V3's statistics trigger driven straight from SQL sessions, as the product's own deletes and operators reach it:
/// many sessions with statements ready on open connections overlap far more in the database than HTTP requests do
/// through a two-core test host, so this is where a lost update would show first.
/// </summary>
public sealed class VariantStatisticsTriggerTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() =>
        _db = NpgsqlDataSource.Create(await (await PostgresServer.GetAsync()).CreateMigratedDatabaseAsync() + ";Maximum Pool Size=120");

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await (await PostgresServer.GetAsync()).DropDatabaseAsync(_db.ConnectionString);
    }

    [Fact]
    public async Task Sixty_parallel_sessions_inserting_updating_and_deleting_one_base_assets_variants_lose_no_update()
    {
        var owner = await _db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ($1) RETURNING id", $"did:privy:{Guid.NewGuid()}");
        for (var round = 0; round < 5; round++)
        {
            var baseAsset = await NewAssetAsync(owner);
            var existing = new List<Guid>();
            for (var i = 0; i < 30; i++)
                existing.Add(await _db.ScalarAsync<Guid>("""
                    INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id)
                    VALUES ($1, $2, $3, 'P', $4) RETURNING id
                    """, baseAsset, await NewAssetAsync(owner), $"old-{i}", owner));
            var fresh = new List<Guid>();
            for (var i = 0; i < 30; i++) fresh.Add(await NewAssetAsync(owner));

            // Every session is connected before any statement starts, so the 60 statements really run together.
            var sessions = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => _db.OpenConnectionAsync().AsTask()));
            await Task.WhenAll(sessions.Select((session, i) => Task.Run(async () =>
            {
                await using var command = i < 30
                    ? Command(session, """
                        INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id, is_active)
                        VALUES ($1, $2, $3, 'P', $4, $5)
                        """, baseAsset, fresh[i], $"new-{i}", owner, i % 2 == 0)
                    : (i - 30) switch
                    {
                        < 10 => Command(session, "UPDATE asset_variants SET generation_status = 'completed', completed_at = now() WHERE id = $1", existing[i - 30]),
                        < 20 => Command(session, "UPDATE asset_variants SET generation_status = 'failed' WHERE id = $1", existing[i - 30]),
                        _ => Command(session, "DELETE FROM asset_variants WHERE id = $1", existing[i - 30]),
                    };
                Assert.Equal(1, await command.ExecuteNonQueryAsync());
            })));
            foreach (var session in sessions) await session.DisposeAsync();

            Assert.Equal("(50,10,10,35)", await _db.ScalarAsync<string>("""
                SELECT row(total_variants, completed_variants, failed_variants, active_variants)::text
                FROM variant_statistics WHERE base_asset_id = $1
                """, baseAsset));
            Assert.Equal(
                await _db.ScalarAsync<string>("SELECT row(r.*)::text FROM variant_statistics_recount($1) r", baseAsset),
                await _db.ScalarAsync<string>("""
                    SELECT row(total_variants, completed_variants, failed_variants, active_variants, last_variant_created,
                               last_variant_completed)::text
                    FROM variant_statistics WHERE base_asset_id = $1
                    """, baseAsset));
        }
    }

    [Fact]
    public async Task A_statement_touching_several_base_assets_recounts_each_of_them()
    {
        var owner = await _db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ($1) RETURNING id", $"did:privy:{Guid.NewGuid()}");
        var bases = new[] { await NewAssetAsync(owner), await NewAssetAsync(owner), await NewAssetAsync(owner) };
        foreach (var b in bases)
            for (var i = 0; i < 3; i++)
                await _db.ExecuteAsync("""
                    INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id) VALUES ($1, $2, $3, 'P', $4)
                    """, b, await NewAssetAsync(owner), $"p{i}", owner);

        Assert.Equal(6, await _db.ExecuteAsync(
            "UPDATE asset_variants SET generation_status = 'completed', completed_at = now() WHERE base_asset_id = ANY ($1) AND preset_id <> 'p2'",
            (object)bases));
        Assert.Equal(3, await _db.ExecuteAsync("DELETE FROM asset_variants WHERE base_asset_id = ANY ($1) AND preset_id = 'p0'", (object)bases));

        Assert.Equal(["(2,1,0,2)", "(2,1,0,2)", "(2,1,0,2)"], await _db.ColumnAsync<string>("""
            SELECT row(total_variants, completed_variants, failed_variants, active_variants)::text
            FROM variant_statistics WHERE base_asset_id = ANY ($1)
            """, (object)bases));
    }

    [Fact]
    public async Task Changes_that_statistics_do_not_count_leave_the_row_alone()
    {
        var owner = await _db.ScalarAsync<Guid>("INSERT INTO users (privy_user_id) VALUES ($1) RETURNING id", $"did:privy:{Guid.NewGuid()}");
        var baseAsset = await NewAssetAsync(owner);
        await _db.ExecuteAsync("""
            INSERT INTO asset_variants (base_asset_id, variant_asset_id, preset_id, preset_name, owner_id) VALUES ($1, $2, 'gold', 'P', $3)
            """, baseAsset, await NewAssetAsync(owner), owner);
        var before = await _db.ScalarAsync<uint>("SELECT xmin FROM variant_statistics WHERE base_asset_id = $1", baseAsset);

        await _db.ExecuteAsync("""
            UPDATE asset_variants SET display_order = 4, metadata = '{"a":1}', style_prompt = 'x', retexture_task_id = 't'
            WHERE base_asset_id = $1
            """, baseAsset);

        Assert.Equal(before, await _db.ScalarAsync<uint>("SELECT xmin FROM variant_statistics WHERE base_asset_id = $1", baseAsset));
    }

    private Task<Guid> NewAssetAsync(Guid owner) => _db.ScalarAsync<Guid>(
        "INSERT INTO assets (id, name, type, owner_id) VALUES (gen_random_uuid(), 'Asset', 'weapon', $1) RETURNING id", owner);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }
}
