namespace ReferralNet.Platform.Domain;

/// <summary>A life domain in which a service user has needs and services help (shared by every service).</summary>
public enum LifeDomain
{
    /// <summary>A home, its condition, rent arrears, eviction, utilities.</summary>
    Housing = 1,

    /// <summary>Problematic debts.</summary>
    Debt = 2,

    /// <summary>Benefits, allowances, budgeting.</summary>
    Income = 3,

    /// <summary>Illness, chronic disease, lifestyle.</summary>
    PhysicalHealth = 4,

    /// <summary>Psychological complaints and disorders.</summary>
    MentalHealth = 5,

    /// <summary>Loneliness and social contacts.</summary>
    Social = 6,

    /// <summary>Parenting.</summary>
    Parenting = 7,

    /// <summary>Literacy and learning Dutch.</summary>
    Language = 8,

    /// <summary>Work and education.</summary>
    Employment = 9,

    /// <summary>Domestic violence and safety.</summary>
    Safety = 10,

    /// <summary>Alcohol, drugs, gambling.</summary>
    Addiction = 11,

    /// <summary>Self-care, household, getting around.</summary>
    DailyFunctioning = 12,
}
