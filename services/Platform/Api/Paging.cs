using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Secrets;
using ReferralNet.Platform.Validation;

namespace ReferralNet.Platform.Api;

/// <summary>Page sizes (AIP-158).</summary>
public static class Paging
{
    /// <summary>
    /// One page of <paramref name="query"/> in id order (ids are time-ordered UUIDs: oldest first, or newest first with
    /// <paramref name="newestFirst"/>), after the id the page token carried; reads one more row to know whether another
    /// page follows.
    /// </summary>
    public static async Task<Page<T>> PageAsync<T>(IQueryable<T> query, string? afterId, int size, CancellationToken cancellationToken, bool newestFirst = false)
        where T : VersionedEntity
    {
        if (afterId is not null)
        {
            query = newestFirst ? query.Where(e => string.Compare(e.Id, afterId) < 0) : query.Where(e => string.Compare(e.Id, afterId) > 0);
        }

        var ordered = newestFirst ? query.OrderByDescending(e => e.Id) : query.OrderBy(e => e.Id);
        var items = await ordered.Take(size + 1).ToListAsync(cancellationToken);
        var more = items.Count > size;
        return new Page<T>(more ? items[..size] : items, more);
    }

    /// <summary>The token of the page after <paramref name="page"/> of <paramref name="query"/>; empty after the last page.</summary>
    public static string NextToken<T>(this PageTokens tokens, Page<T> page, string query)
        where T : VersionedEntity =>
        page.More ? tokens.Encode(new PageCursor([page.Items[^1].Id]), query) : "";

    /// <summary>The page size to use: <paramref name="defaultSize"/> for 0, at most <paramref name="maxSize"/>; negative is invalid.</summary>
    public static int Size(int requested, int defaultSize, int maxSize, string field = "page_size") => requested switch
    {
        < 0 => throw InvalidRequestException.For(field, "must not be negative"),
        0 => defaultSize,
        _ => Math.Min(requested, maxSize),
    };
}

/// <summary>
/// Opaque page tokens (AIP-158): the sort key of the last item returned, signed with a server key together with the
/// query they belong to (method and filters). A token that was forged, truncated, made for another query or by another
/// network is refused with a field violation on page_token, whatever its bytes.
/// </summary>
public sealed class PageTokens(SecretKeys keys)
{
    private const int MacLength = 16;
    private const int MaxTokenLength = 2048;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Encodes the position after the last item of a page of <paramref name="query"/>.</summary>
    public string Encode(PageCursor cursor, string query)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(cursor, Json);
        return Convert.ToBase64String([.. payload, .. Mac(query, payload)]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Decodes a token of <paramref name="query"/> whose sort key has <paramref name="keyCount"/> parts; null for the first
    /// page; INVALID_ARGUMENT on <paramref name="field"/> for anything else.
    /// </summary>
    public PageCursor? Decode(string token, string query, int keyCount, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (token.Length <= MaxTokenLength && TryUnpack(token, out var payload, out var mac)
            && CryptographicOperations.FixedTimeEquals(mac, Mac(query, payload)))
        {
            try
            {
                if (JsonSerializer.Deserialize<PageCursor>(payload, Json) is { Keys: { } sortKey } cursor
                    && sortKey.Length == keyCount && sortKey.All(k => k is not null) && cursor.Position >= 0)
                {
                    return cursor;
                }
            }
            catch (JsonException)
            {
                // Signed by us but unreadable (an older format): refused like a forgery.
            }
        }

        throw InvalidRequestException.For(field, "is not a page token of this query; start again without it", "INVALID_PAGE_TOKEN");
    }

    private static bool TryUnpack(string token, out byte[] payload, out byte[] mac)
    {
        payload = mac = [];
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length) || length <= MacLength)
        {
            return false;
        }

        payload = bytes[..(length - MacLength)];
        mac = bytes[(length - MacLength)..length];
        return true;
    }

    private byte[] Mac(string query, byte[] payload)
    {
        var queryBytes = Encoding.UTF8.GetBytes(query);
        var input = new byte[4 + queryBytes.Length + payload.Length];
        BitConverter.TryWriteBytes(input, queryBytes.Length);
        queryBytes.CopyTo(input, 4);
        payload.CopyTo(input, 4 + queryBytes.Length);
        return HMACSHA256.HashData(keys.Get(SecretKeys.PageTokens), input)[..MacLength];
    }
}

/// <summary>Where the next page starts.</summary>
/// <param name="Keys">The sort key of the last item returned.</param>
/// <param name="Position">How many items came before the next page (for 1-based ranks).</param>
public sealed record PageCursor(string[] Keys, int Position = 0);

/// <summary>A page of a list.</summary>
/// <param name="Items">The items of the page.</param>
/// <param name="More">Whether another page follows.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, bool More);
