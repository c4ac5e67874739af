namespace ReferralNet.Platform.Domain;

/// <summary>The kind of an organization in the network.</summary>
public enum OrganizationKind
{
    /// <summary>Woningcorporatie.</summary>
    HousingCorporation = 1,

    /// <summary>Schuldhulpverlening.</summary>
    DebtCounselling = 2,

    /// <summary>Huisartsenpraktijk.</summary>
    GpPractice = 3,

    /// <summary>GGZ.</summary>
    MentalHealth = 4,

    /// <summary>Sociaal wijkteam.</summary>
    SocialNeighbourhoodTeam = 5,

    /// <summary>Welzijn.</summary>
    Welfare = 6,

    /// <summary>GGD.</summary>
    PublicHealth = 7,

    /// <summary>Church, mosque or another faith community.</summary>
    FaithCommunity = 8,

    /// <summary>Citizen cooperative or initiative.</summary>
    CitizenCooperative = 9,

    /// <summary>The municipality.</summary>
    Municipality = 10,

    /// <summary>The office that runs the network; home of the network administrators.</summary>
    NetworkOffice = 11,

    /// <summary>Anything else.</summary>
    Other = 12,
}
