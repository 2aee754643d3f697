using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.Http;

namespace AssetForge.Tests.Infrastructure;

public sealed class ETagTests
{
    private static long[]? IfMatch(string? header)
    {
        var context = new DefaultHttpContext();
        if (header is not null) context.Request.Headers.IfMatch = header;
        return ETags.IfMatch(context.Request);
    }

    [Fact]
    public void Absent_header_or_star_demands_nothing()
    {
        Assert.Null(IfMatch(null));
        Assert.Null(IfMatch("*"));
    }

    [Fact]
    public void A_tag_we_issued_demands_that_version() => Assert.Equal([4242], IfMatch(ETags.Format(4242))!);

    [Fact]
    public void A_list_accepts_any_of_its_strong_tags() =>
        Assert.Equal([7, 4242], IfMatch($"{ETags.Format(7)}, W/\"9\", \"abc\", {ETags.Format(4242)}")!);

    [Fact]
    public void A_star_in_a_list_demands_nothing() => Assert.Null(IfMatch($"{ETags.Format(7)}, *"));

    [Theory]
    [InlineData("W/\"4242\"")]   // weak tags never match for If-Match
    [InlineData("\"abc\"")]
    [InlineData("4242")]         // unquoted: not an entity tag
    public void Anything_else_can_never_match(string header) => Assert.Equal([], IfMatch(header)!);
}
