using System.Security.Cryptography;
using System.Text;

namespace ReferralNet.Cases.Domain;

/// <summary>
/// A Dutch citizen service number (burgerservicenummer) that passed the eleven-test. It lives only between the request
/// and its keyed hashes: it has no accessor, and <see cref="ToString"/> withholds it, so it cannot reach a response,
/// a log line, a trace or an error by accident.
/// </summary>
public sealed class Bsn
{
    private readonly string _digits;

    private Bsn(string digits) => _digits = digits;

    /// <summary>The BSN in <paramref name="text"/> (nine digits passing the eleven-test), or null.</summary>
    public static Bsn? Parse(string? text)
    {
        if (text is not { Length: 9 } || !text.All(char.IsAsciiDigit) || text == "000000000")
        {
            return null;
        }

        // Eleven-test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11.
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (9 - i) * (text[i] - '0');
        }

        sum -= text[8] - '0';
        return sum % 11 == 0 ? new Bsn(text) : null;
    }

    /// <summary>The keyed hash of this BSN under <paramref name="key"/>: what the database stores and looks up.</summary>
    public string HashWith(byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("referralnet-bsn:" + _digits)));

    /// <inheritdoc />
    public override string ToString() => "BSN (withheld)";
}
