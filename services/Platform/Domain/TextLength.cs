namespace ReferralNet.Platform.Domain;

/// <summary>Caps text that the platform echoes or stores from outside (error messages, audit fields, log lines).</summary>
public static class TextLength
{
    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="maxLength"/> characters plus <paramref name="marker"/>, never
    /// between the two halves of a surrogate pair (a lone half is not valid UTF-8 on the wire or in the database).
    /// </summary>
    public static string Capped(this string text, int maxLength, string marker = "")
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var length = maxLength > 0 && char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(text.AsSpan(0, length), marker);
    }
}
