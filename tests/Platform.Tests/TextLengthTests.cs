using ReferralNet.Platform.Domain;

namespace ReferralNet.Platform.Tests;

/// <summary>Text echoed into errors, logs and the audit trail is capped without producing invalid UTF-16.</summary>
public sealed class TextLengthTests
{
    [Theory]
    [InlineData("short", 10, "", "short")]
    [InlineData("exactly-10", 10, "…", "exactly-10")]
    [InlineData("abcdefghijkl", 10, "…", "abcdefghij…")]
    [InlineData("abcdefghijkl", 10, "", "abcdefghij")]
    public void Text_longer_than_the_cap_is_cut_and_marked(string text, int cap, string marker, string expected) =>
        Assert.Equal(expected, text.Capped(cap, marker));

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        // 🏠 is one code point in two UTF-16 units; cutting after its first unit would leave a lone high surrogate.
        var text = "abc🏠def";

        var capped = text.Capped(4, "…");

        Assert.Equal("abc…", capped);
        Assert.Equal("abc🏠…", text.Capped(5, "…"));
        Assert.DoesNotContain(capped, char.IsSurrogate);
    }
}
