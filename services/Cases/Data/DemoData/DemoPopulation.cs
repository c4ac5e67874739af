using Microsoft.EntityFrameworkCore;
using ReferralNet.Cases.Domain;
using ReferralNet.Platform.Domain;
using ReferralNet.Platform.Identity;

namespace ReferralNet.Cases.Data.DemoData;

/// <summary>
/// Grows the demo into a city-sized caseload (<c>ReferralNet:Cases:DemoPopulation</c>): generated fictional service users
/// of the study's five neighbourhoods, each with an open case coordinated by the neighbourhood team, needs in the mix of
/// the field study's city-wide figures, and the consents and care team that go with them. The same seed gives the same
/// city, so benchmark runs compare like with like.
/// </summary>
internal static class DemoPopulation
{
    // Written in chunks so that the change tracker and one transaction stay small whatever the population.
    private const int ChunkSize = 1000;

    // The share of service users with a need in each domain: loneliness, chronic disease, heavy drinking and poor housing
    // are the field study's city-wide figures; the others are assumptions for a caseload of people with tangled problems.
    private static readonly (LifeDomain Domain, double Share, string Description)[] NeedMix =
    [
        (LifeDomain.Social, 0.52, "Moderate to severe loneliness."),
        (LifeDomain.PhysicalHealth, 0.38, "A chronic disease that needs regular care."),
        (LifeDomain.Debt, 0.30, "Arrears with several creditors."),
        (LifeDomain.MentalHealth, 0.25, "Low mood and poor sleep for months."),
        (LifeDomain.Addiction, 0.25, "Heavy drinking."),
        (LifeDomain.Income, 0.20, "Income below the social minimum."),
        (LifeDomain.Housing, 0.14, "Problems from poor housing: damp and mould."),
        (LifeDomain.Language, 0.12, "Needs Dutch to deal with letters and services."),
        (LifeDomain.Employment, 0.10, "Looking for work."),
        (LifeDomain.DailyFunctioning, 0.10, "Struggles with shopping and cooking."),
        (LifeDomain.Parenting, 0.08, "Worried about raising the children alone."),
        (LifeDomain.Safety, 0.05, "Feels unsafe at home."),
    ];

    // Each neighbourhood's share of the caseload and the demo members who work there: the neighbourhood team coordinates,
    // the GP practice cares for health (none in the Regentessekwartier), a debt counsellor takes the debts.
    private static readonly Neighbourhood[] Neighbourhoods =
    [
        new("moerwijk", 35,
            ["abdelkader.ziani@wijkteam-moerwijk.example", "gulsen.arslan@wijkteam-moerwijk.example", "priscilla.martis@wijkteam-moerwijk.example"],
            ["karim.haddou@hap-moerwijkzuid.example", "joost.peters@hap-moerwijkzuid.example"],
            ["jeroen.smit@schuldhulp-moerwijk.example", "khadija.ouali@schuldhulp-moerwijk.example", "emre.kaya@schuldhulp-moerwijk.example"]),
        new("schilderswijk", 30,
            ["mustafa.yldz@wijkteam-schilderswijk.example", "saida.amghar@wijkteam-schilderswijk.example"],
            ["hamid.rahimi@gc-schilderswijk.example", "yasmina.tahiri@gc-schilderswijk.example"],
            ["eline.mulder@budgetbureau-schilderswijk.example", "hodan.abdi@budgetbureau-schilderswijk.example"]),
        new("transvaal", 25,
            ["osman.celik@wijkteam-transvaal.example", "lotte.hermans@wijkteam-transvaal.example", "violeta.ivanova@wijkteam-transvaal.example"],
            ["mehmet.aydn@huisarts-transvaal.example", "ingrid.bos@huisarts-transvaal.example"],
            ["nadia.benali@geldzorg-denhaag.example", "hakan.ozturk@geldzorg-denhaag.example"]),
        new("regentessekwartier", 5, ["jasper.groen@wijkteam-regentesse.example"], [], ["aisha.warsame@geldzorg-denhaag.example"]),
        new("benoordenhout", 5, ["jasper.groen@wijkteam-regentesse.example"], ["sophie.dekker@huisartsen-benoordenhout.example"], ["aisha.warsame@geldzorg-denhaag.example"]),
    ];

    private static readonly LifeDomain[] GpDomains = [LifeDomain.PhysicalHealth, LifeDomain.MentalHealth, LifeDomain.Social, LifeDomain.Addiction];
    private static readonly LifeDomain[] DebtDomains = [LifeDomain.Debt, LifeDomain.Income];

    // About three in four residents of these neighbourhoods have a migrant background; most speak Dutch too.
    private static readonly string[] CommunityLanguages = ["ar", "tr", "ber", "pap", "so", "pl", "srn", "ti", "bg", "uk"];
    private static readonly string[] GivenNames = ["Fatima", "Mohamed", "Ayse", "Jan", "Priya", "Hamza", "Marieke", "Yusuf", "Olga", "Kofi", "Sanne", "Omar", "Lucia", "Emre", "Anouk", "Samir", "Hodan", "Dirk", "Ilse", "Rachid"];
    private static readonly string[] FamilyNames = ["El Idrissi", "Yilmaz", "de Jong", "Ramdin", "Bakker", "Haddou", "Kowalski", "Mensah", "Visser", "Benali", "Öztürk", "Martina", "Warsame", "Jansen", "Ivanova", "Tekle", "Smit", "Pinas", "Aydın", "van Dam"];

    /// <summary>Adds <paramref name="count"/> generated service users.</summary>
    public static async Task SeedAsync(CasesDbContext db, DemoSeeder seed, int count, CancellationToken cancellationToken)
    {
        var staff = new Dictionary<string, MemberStanding>();
        async Task<MemberStanding[]> Members(string[] emails)
        {
            foreach (var email in emails.Where(e => !staff.ContainsKey(e)))
            {
                staff[email] = await seed.MemberAsync(email);
            }

            return [.. emails.Select(e => staff[e])];
        }

        var places = new List<(Neighbourhood Where, MemberStanding[] Coordinators, MemberStanding[] Gps, MemberStanding[] DebtCounsellors)>();
        foreach (var neighbourhood in Neighbourhoods)
        {
            places.Add((neighbourhood, await Members(neighbourhood.Coordinators), await Members(neighbourhood.Gps), await Members(neighbourhood.DebtCounsellors)));
        }

        var random = new Random(7513);
        var bsns = new BsnSequence();
        var totalWeight = Neighbourhoods.Sum(n => n.Weight);
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var pick = random.Next(totalWeight);
                var place = places.First(p => (pick -= p.Where.Weight) < 0);
                AddPerson(seed, random, bsns, place.Where.Name, Pick(random, place.Coordinators), place.Gps.Length > 0 ? Pick(random, place.Gps) : null, Pick(random, place.DebtCounsellors));
                if ((i + 1) % ChunkSize == 0 || i + 1 == count)
                {
                    await db.SaveChangesAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                }
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    /// <summary>
    /// BSNs for generated people: nine digits passing the eleven-test, counted up from 300000000 (past the hand-written
    /// demo's), so none is given twice.
    /// </summary>
    private sealed class BsnSequence
    {
        private int _prefix = 30_000_000;

        public Bsn Next()
        {
            // Eight digits, then the check digit that makes 9·d1 + … + 2·d8 − d9 a multiple of 11; one prefix in eleven
            // would need a check digit of 10 and is skipped.
            while (true)
            {
                var digits = (_prefix++).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
                var sum = 0;
                for (var d = 0; d < 8; d++)
                {
                    sum += (9 - d) * (digits[d] - '0');
                }

                if (sum % 11 < 10 && Bsn.Parse(digits + (sum % 11)) is { } bsn)
                {
                    return bsn;
                }
            }
        }
    }

    private static void AddPerson(DemoSeeder seed, Random random, BsnSequence bsns, string neighbourhood, MemberStanding coordinator, MemberStanding? gp, MemberStanding debtCounsellor)
    {
        string[] languages = random.NextDouble() < 0.75 ? [Pick(random, CommunityLanguages), "nl"] : ["nl"];
        var details = new ServiceUserDetails(
            Pick(random, GivenNames), Pick(random, FamilyNames), new DateOnly(1935, 1, 1).AddDays(random.Next(365 * 70)), languages,
            InterpreterNeeded: languages.Length > 1 && random.NextDouble() < 0.3);

        // About one in twenty has no BSN (undocumented residents live in these neighbourhoods too).
        var user = seed.ServiceUser(details, neighbourhood, random.NextDouble() < 0.95 ? bsns.Next() : null, coordinator);
        seed.Case(user, coordinator, "Generated caseload: one plan across the network.");
        var needs = NeedMix.Where(n => random.NextDouble() < n.Share).ToList();
        if (needs.Count == 0)
        {
            needs.Add(NeedMix[random.Next(NeedMix.Length)]);
        }

        var recorded = needs.Select(n => seed.Need(user, coordinator, n.Domain, (NeedSeverity)random.Next(1, 5), n.Description)).ToList();
        if (gp is not null)
        {
            seed.Consent(user, coordinator, gp.OrganizationId, ConsentPurpose.Care, GpDomains);
            seed.Involvement(user, gp, InvolvementRole.GeneralPractitioner, "Family doctor", null);
        }

        if (recorded.FirstOrDefault(n => n.LifeDomain == LifeDomain.Debt) is { } debt)
        {
            seed.Consent(user, coordinator, debtCounsellor.OrganizationId, ConsentPurpose.Care, DebtDomains);
            seed.Involvement(user, debtCounsellor, InvolvementRole.Provider, "Debt counselling", debt);
        }
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private sealed record Neighbourhood(string Name, int Weight, string[] Coordinators, string[] Gps, string[] DebtCounsellors);
}
