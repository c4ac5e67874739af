namespace ReferralNet.Platform.Domain;

/// <summary>Enum values as people read them in messages and timelines.</summary>
public static class EnumWords
{
    /// <summary>An enum value as words: "PhysicalHealth" → "physical health".</summary>
    public static string Of<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
