// Row shapes: a positional record (read through its constructor) and a class with settable properties (read
// through an initializer); column names are snake_case unless [Column] says otherwise. StoredJson reads jsonb as
// its text.
using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using AssetForge.Infrastructure.Data;
using Npgsql;

namespace Sample;

[DbRow]
public sealed partial record Thing(Guid Id, string? Name, int[] Scores, JsonElement Data, DateTimeOffset CreatedAt,
    [property: Column("duration")] int? DurationMs, [property: Column("xmin")] uint Version);

[DbRow]
public sealed partial class Note
{
    public Guid Id { get; init; }
    public string Body { get; set; } = "";
    public DateTimeOffset? EditedAt { get; init; }
    public StoredJson Meta { get; init; }
    public StoredJson? Extra { get; init; }
}

public static partial class Things
{
    [Query("SELECT id, name, scores, data, created_at, duration, xmin FROM things WHERE id = @id")]
    public static partial Task<Thing?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct);

    [Query("SELECT id, body, edited_at, meta, extra FROM notes WHERE id = @id")]
    public static partial Task<Note> NoteAsync(NpgsqlDataSource db, Guid id, CancellationToken ct);
}
