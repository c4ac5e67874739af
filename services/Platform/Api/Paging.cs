using System.Text;
using System.Text.Json;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Api;

/// <summary>
/// Opaque page tokens (AIP-158): the sort key of the last item returned plus a fingerprint of the filters,
/// so a token cannot be replayed with other filters, and pages stay stable while data changes.
/// </summary>
public static class Paging
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The page size to use: <paramref name="defaultSize"/> for 0, at most <paramref name="maxSize"/>; negative is invalid.</summary>
    public static int Size(int requested, int defaultSize, int maxSize, string field = "page_size") => requested switch
    {
        < 0 => throw InvalidRequestException.For(field, "must not be negative"),
        0 => defaultSize,
        _ => Math.Min(requested, maxSize),
    };

    /// <summary>Encodes the position after the last item.</summary>
    public static string Encode(PageCursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(cursor, Json)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes a token; null for the first page; INVALID_ARGUMENT for a forged token or one made for other filters.</summary>
    public static PageCursor? Decode(string token, string filters, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var cursor = JsonSerializer.Deserialize<PageCursor>(Convert.FromBase64String(base64), Json);
            if (cursor is { Keys: not null } && cursor.Filters == filters)
            {
                return cursor;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
        }

        throw InvalidRequestException.For(field, "is not a page token of this query; start again without it");
    }
}

/// <summary>Where the next page starts.</summary>
/// <param name="Keys">The sort key of the last item returned.</param>
/// <param name="Filters">The fingerprint of the query's filters.</param>
/// <param name="Position">How many items came before the next page (for 1-based ranks).</param>
public sealed record PageCursor(string[] Keys, string Filters, int Position = 0);
