namespace ReferralNet.Cases;

/// <summary>Settings of the cases service (<c>ReferralNet:Cases</c>).</summary>
public sealed class CasesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Cases";

    /// <summary>Profession codes of members who may break the glass (medical professions).</summary>
    public List<string> MedicalProfessions { get; set; } = ["gp", "doctor", "physician", "nurse", "nurse-practitioner", "emergency-physician", "psychiatrist"];

    /// <summary>How long an emergency access lasts.</summary>
    public TimeSpan EmergencyAccessDuration { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How often the involvements of organizations whose consent expired are ended (the consent itself stops granting
    /// anything at its end time; this is how long its organization may still be listed in the care team after that).
    /// </summary>
    public TimeSpan ConsentExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many recent events a network view shows when the caller does not say.</summary>
    public int RecentEvents { get; set; } = 20;

    /// <summary>
    /// How many service users' network views this process keeps in memory (what they are built from, about as much as
    /// the view itself); the least used go first. Each is checked against the database on every call.
    /// </summary>
    public int NetworkViewCacheSize { get; set; } = 10_000;

    /// <summary>
    /// How many generated service users the demo data adds to the hand-written ones (a city-sized caseload for the
    /// benchmark and for trying the API at scale); only with demo data, and only when the database is new.
    /// </summary>
    public int DemoPopulation { get; set; }
}
