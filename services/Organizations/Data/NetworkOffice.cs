using Microsoft.EntityFrameworkCore;
using ReferralNet.Organizations.Domain;
using ReferralNet.Organizations.Events;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Organizations.Data;

/// <summary>Configuration section <c>ReferralNet:Bootstrap</c>: the network office and its first administrator.</summary>
public sealed class BootstrapOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ReferralNet:Bootstrap";

    /// <summary>Name of the network office created on first start.</summary>
    public string NetworkOfficeName { get; set; } = "ReferralNet Network Office";

    /// <summary>E-mail of the first network administrator; nothing is created when empty.</summary>
    public string? NetworkAdminEmail { get; set; }

    /// <summary>Display name of the first network administrator.</summary>
    public string NetworkAdminName { get; set; } = "Network Administrator";
}

/// <summary>
/// Creates the network office and a network administrator when the directory has no active one, so a new installation
/// can be administered at all, and one whose last network administrator left (a planned departure that passed) can be
/// again. Idempotent.
/// </summary>
internal static class NetworkOffice
{
    public static async Task EnsureAsync(OrganizationsDbContext db, BootstrapOptions options, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        if (await db.Members.Where(m => m.Role == MemberRole.NetworkAdmin).Where(Member.ActiveAt(now)).AnyAsync(cancellationToken))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.NetworkAdminEmail))
        {
            logger.LogWarning("The directory has no active network administrator; set {Key} to create one", $"{BootstrapOptions.Section}:NetworkAdminEmail");
            return;
        }

        var email = Member.NormalizeEmail(options.NetworkAdminEmail);
        if (await db.Members.AnyAsync(m => m.Email == email, cancellationToken))
        {
            logger.LogWarning("The directory has no active network administrator and {Key} names an existing member; set it to a new address to create one",
                $"{BootstrapOptions.Section}:NetworkAdminEmail");
            return;
        }

        var office = await db.Organizations.FirstOrDefaultAsync(o => o.Kind == OrganizationKind.NetworkOffice, cancellationToken);
        if (office is null)
        {
            office = new Organization(new OrganizationDetails(options.NetworkOfficeName, OrganizationKind.NetworkOffice,
                "Runs the ReferralNet network: admits organizations and keeps the directory.", "", "", "", []), now);
            db.Organizations.Add(office);
            db.AddEvent(office.ChangedEvent(), now);
        }

        var admin = new Member(office, new MemberDetails(options.NetworkAdminName, options.NetworkAdminEmail, MemberRole.NetworkAdmin, "", ["nl", "en"]), now, now);
        db.Members.Add(admin);
        db.AddEvent(admin.ChangedEvent(now), now);
        await db.SaveChangesAsync(cancellationToken);
    }
}
