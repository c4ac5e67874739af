namespace ReferralNet.Cases.Domain;

/// <summary>
/// A coordinator's finding that a record sharing a BSN hash with the one they coordinate is another person: one of the
/// two BSNs is wrong. The pair no longer shows as a possible duplicate; the privacy officers correct the error.
/// </summary>
public sealed class DuplicateDismissal
{
    private DuplicateDismissal()
    {
    }

    /// <summary>The finding on <paramref name="serviceUserId"/> and <paramref name="duplicateServiceUserId"/>.</summary>
    public DuplicateDismissal(string serviceUserId, string duplicateServiceUserId, string reason, string memberId, string organizationId, DateTimeOffset now)
    {
        ServiceUserId = serviceUserId;
        DuplicateServiceUserId = duplicateServiceUserId;
        Reason = reason;
        DismissedByMemberId = memberId;
        DismissedByOrganizationId = organizationId;
        DismissedAt = now;
    }

    /// <summary>The coordinated record.</summary>
    public string ServiceUserId { get; private init; } = "";

    /// <summary>The record found to be another person.</summary>
    public string DuplicateServiceUserId { get; private init; } = "";

    /// <summary>Why, without personal data of the other record.</summary>
    public string Reason { get; private init; } = "";

    /// <summary>Who found it.</summary>
    public string DismissedByMemberId { get; private init; } = "";

    /// <summary>On behalf of which organization.</summary>
    public string DismissedByOrganizationId { get; private init; } = "";

    /// <summary>When.</summary>
    public DateTimeOffset DismissedAt { get; private init; }
}
