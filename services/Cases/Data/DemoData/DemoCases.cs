using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;
using ReferralNet.Cases.Events;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Cases.Data.DemoData;

/// <summary>
/// Fictional service users of the demo directory's neighbourhoods, with cases, needs, consents and care teams, so that a
/// GP's development token opens a meaningful network view right after <c>dotnet run</c>. Every name and number is
/// invented; the BSNs pass the eleven-test and belong to nobody.
/// </summary>
public static class DemoCases
{
    /// <summary>The demo service user the README's walk-through opens: Naima Bakkali in Moerwijk.</summary>
    public const string WalkThroughBsn = "111222333";

    /// <summary>The plan of Naima Bakkali's case (Moerwijk); with its coordinator it finds her case through the public API.</summary>
    public const string NaimaPlan = "Restore the utilities first, then a debt plan; rebuild contacts in the neighbourhood.";

    /// <summary>The plan of Henk de Wit's case (Schilderswijk).</summary>
    public const string HenkPlan = "Weekly visits; meals and household help.";

    /// <summary>The plan of Abdi Warsame's case (Transvaal, no BSN, so the plan is how a client finds him).</summary>
    public const string AbdiPlan = "A safe place to sleep; Dutch lessons; work when it is allowed.";

    /// <summary>
    /// Seeds the demo once, in the embedded shape (which runs the directory the members come from), and
    /// <paramref name="population"/> generated service users after it.
    /// </summary>
    public static async Task SeedAsync(CasesDbContext db, IMemberDirectory directory, BsnKeys bsnKeys, DateTimeOffset now, int population, CancellationToken cancellationToken)
    {
        if (await db.ServiceUsers.AnyAsync(cancellationToken))
        {
            return;
        }

        var seed = new DemoSeeder(db, directory, bsnKeys, now, cancellationToken, publishEvents: true);

        // Moerwijk: no gas, water or electricity, debts with the supplier, lonely since the divorce; the GP sees health and
        // loneliness, the debt counsellor debts and income, the neighbourhood team coordinates everything.
        var naima = await seed.ServiceUserAsync("Naima", "Bakkali", new DateOnly(1981, 3, 14), "moerwijk", ["ar", "nl"], interpreter: true, WalkThroughBsn, "abdelkader.ziani@wijkteam-moerwijk.example");
        await seed.CaseAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", NaimaPlan,
            new GoalSpec(null, "Gas, water and electricity restored", LifeDomain.Housing, GoalStatus.Open, new DateOnly(2026, 12, 15)),
            new GoalSpec(null, "A debt plan agreed with every creditor", LifeDomain.Debt, GoalStatus.Open, new DateOnly(2027, 3, 1)));
        var housing = await seed.NeedAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", LifeDomain.Housing, NeedSeverity.Urgent, "No gas, water or electricity since the supplier cut the connection in March.");
        var debt = await seed.NeedAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", LifeDomain.Debt, NeedSeverity.High, "Arrears with the energy supplier and the housing corporation.");
        await seed.NeedAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", LifeDomain.Social, NeedSeverity.Moderate, "Few contacts since the divorce; rarely leaves the house.");
        await seed.ConsentAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", "karim.haddou@hap-moerwijkzuid.example", ConsentPurpose.Care, LifeDomain.PhysicalHealth, LifeDomain.MentalHealth, LifeDomain.Social);
        await seed.ConsentAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", "khadija.ouali@schuldhulp-moerwijk.example", ConsentPurpose.Care, LifeDomain.Debt, LifeDomain.Income);
        await seed.NeedAsync(naima, "karim.haddou@hap-moerwijkzuid.example", LifeDomain.PhysicalHealth, NeedSeverity.Moderate, "Chronic back pain and poor sleep.");
        await seed.InvolvementAsync(naima, "karim.haddou@hap-moerwijkzuid.example", InvolvementRole.GeneralPractitioner, "Family doctor", null);
        await seed.InvolvementAsync(naima, "khadija.ouali@schuldhulp-moerwijk.example", InvolvementRole.Provider, "Debt counselling", debt);
        await seed.InvolvementAsync(naima, "abdelkader.ziani@wijkteam-moerwijk.example", InvolvementRole.Supporter, "Urgent contact with the energy supplier", housing);

        // Schilderswijk: an older man alone, daily functioning slipping; his GP and the neighbourhood team.
        var henk = await seed.ServiceUserAsync("Henk", "de Wit", new DateOnly(1954, 9, 2), "schilderswijk", ["nl"], interpreter: false, "123456782", "mustafa.yldz@wijkteam-schilderswijk.example");
        await seed.CaseAsync(henk, "mustafa.yldz@wijkteam-schilderswijk.example", HenkPlan);
        await seed.NeedAsync(henk, "mustafa.yldz@wijkteam-schilderswijk.example", LifeDomain.Social, NeedSeverity.High, "Has not spoken to anyone for weeks.");
        await seed.NeedAsync(henk, "mustafa.yldz@wijkteam-schilderswijk.example", LifeDomain.DailyFunctioning, NeedSeverity.Moderate, "Struggles with shopping and cooking.");
        await seed.ConsentAsync(henk, "mustafa.yldz@wijkteam-schilderswijk.example", "hamid.rahimi@gc-schilderswijk.example", ConsentPurpose.Care, LifeDomain.PhysicalHealth, LifeDomain.DailyFunctioning);
        await seed.InvolvementAsync(henk, "hamid.rahimi@gc-schilderswijk.example", InvolvementRole.GeneralPractitioner, "Family doctor", null);

        // Transvaal: no BSN (an undocumented resident), registered and found by the organization holding his consent.
        var abdi = await seed.ServiceUserAsync("Abdi", "Warsame", new DateOnly(1990, 5, 20), "transvaal", ["so", "ar"], interpreter: true, null, "osman.celik@wijkteam-transvaal.example");
        await seed.CaseAsync(abdi, "osman.celik@wijkteam-transvaal.example", AbdiPlan);
        await seed.NeedAsync(abdi, "osman.celik@wijkteam-transvaal.example", LifeDomain.Housing, NeedSeverity.High, "Sleeps at different friends' places.");
        await seed.NeedAsync(abdi, "osman.celik@wijkteam-transvaal.example", LifeDomain.Language, NeedSeverity.Moderate, "Wants to learn Dutch.");

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        if (population > 0)
        {
            await DemoPopulation.SeedAsync(db, new DemoSeeder(db, directory, bsnKeys, now, cancellationToken, publishEvents: false), population, cancellationToken);
        }
    }
}
