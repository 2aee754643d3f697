using System.Buffers;
using System.Text;
using System.Text.Json;
using AssetForge.Infrastructure.Data;
using AssetForge.Tests.Support;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// jsonb read as its text (StoredJson) reaches the client exactly as the parsed document (JsonElement) did: the same
/// bytes from the response's own writer, escapes, non-ASCII text and numbers included, whatever PostgreSQL stored.
/// </summary>
public sealed class StoredJsonTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("""{"model": "knight", "quality": "high", "seed": 7}""")]
    [InlineData("""{"quote": "say \"hi\"", "path": "C:\\tmp\\x", "tab": "a\tb", "html": "<b>&'</b>", "text": "café 🦊 \u2028", "ünïcode key": 1}""")]
    [InlineData("""[1, -0, 1.50, 1e3, -2.5E-7, 12345678901234567890.123, true, false, null, [], {}, [[["deep"]]]]""")]
    [InlineData("\"just a string with \\u00e9 and \\\\\"")]
    [InlineData("42")]
    public async Task A_stored_value_is_answered_byte_for_byte_as_the_parsed_document_was(string json)
    {
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("SELECT $1::jsonb, $1::jsonb");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var stored = new StoredJson(reader.GetFieldValue<byte[]>(0));
        var document = reader.GetFieldValue<JsonElement>(1);
        var options = factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var expected = Written(options, writer => document.WriteTo(writer));
        var actual = Written(options, writer => new StoredJsonConverter().Write(writer, stored, options));

        Assert.Equal(expected, actual);
    }

    // Inside an object, as a response writes it: separators and depth come from the writer, not from the value.
    private static string Written(JsonSerializerOptions options, Action<Utf8JsonWriter> value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("before");
            writer.WriteNumberValue(1);
            writer.WritePropertyName("value");
            value(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
