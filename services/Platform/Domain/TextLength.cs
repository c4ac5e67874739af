using System.Globalization;
using System.Text;

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

    /// <summary>
    /// <paramref name="text"/> with every control, format and line or paragraph separator character written as \uXXXX, so
    /// that input echoed into a message or a log line cannot end the line, forge another, or hide in it.
    /// </summary>
    public static string Escaped(this string text)
    {
        if (!text.Any(IsUnprintable))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnprintable(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    private static bool IsUnprintable(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
