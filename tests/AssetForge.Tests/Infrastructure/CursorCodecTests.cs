using AssetForge.Infrastructure;
using AssetForge.Infrastructure.Http;
using Microsoft.Extensions.Options;

namespace AssetForge.Tests.Infrastructure;

public sealed class CursorCodecTests
{
    private static readonly CursorCodec Codec = new(Options.Create(new ApiSettings()));
    private static readonly Keyset Position = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).AddTicks(1230), Guid.NewGuid());

    [Fact]
    public void Round_trips_position_to_the_microsecond_in_url_safe_text()
    {
        var cursor = Codec.Encode(Position, "status=completed");
        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        Assert.True(Codec.TryDecode(cursor, "status=completed", out var decoded));
        Assert.Equal(Position, decoded);
    }

    [Fact]
    public void Rejects_a_cursor_replayed_with_other_filters()
    {
        var cursor = Codec.Encode(Position, "status=completed");
        Assert.False(Codec.TryDecode(cursor, "status=failed", out _));
    }

    [Fact]
    public void Rejects_every_single_character_change()
    {
        var cursor = Codec.Encode(Position, "");
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < cursor.Length; i++)
        {
            var replacement = alphabet[(alphabet.IndexOf(cursor[i]) + 1) % alphabet.Length];
            var tampered = cursor[..i] + replacement + cursor[(i + 1)..];
            Assert.False(Codec.TryDecode(tampered, "", out _), $"accepted a change at {i}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-cursor")]
    [InlineData("!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Rejects_garbage(string cursor) => Assert.False(Codec.TryDecode(cursor, "", out _));

    [Fact]
    public void Cursors_from_another_key_are_rejected()
    {
        var other = new CursorCodec(Options.Create(new ApiSettings { CursorKey = "another-deployment" }));
        Assert.False(Codec.TryDecode(other.Encode(Position, ""), "", out _));
    }
}
