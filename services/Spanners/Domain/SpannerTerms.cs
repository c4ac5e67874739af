namespace ReferralNet.Spanners.Domain;

/// <summary>What a boundary spanner is.</summary>
public enum SpannerKind
{
    /// <summary>A volunteer.</summary>
    Volunteer = 1,

    /// <summary>An expert by experience (ervaringsdeskundige).</summary>
    ExpertByExperience = 2,

    /// <summary>An informal caregiver (mantelzorger).</summary>
    InformalCaregiver = 3,

    /// <summary>A community volunteer of the neighbourhood.</summary>
    CommunityVolunteer = 4,

    /// <summary>A volunteer of a church or another faith community.</summary>
    ChurchVolunteer = 5,

    /// <summary>A member of a citizen cooperative.</summary>
    CitizenCooperativeMember = 6,

    /// <summary>A professional whose role is to link people and organizations; a member of the network.</summary>
    LinkingPinProfessional = 7,
}

/// <summary>Whether a spanner takes on service users.</summary>
public enum SpannerStatus
{
    /// <summary>Keeps its assignments and takes new ones.</summary>
    Active = 1,

    /// <summary>Keeps its assignments, takes no new ones.</summary>
    Paused = 2,

    /// <summary>Stopped; final.</summary>
    Stopped = 3,
}

/// <summary>Why a spanner stopped.</summary>
public enum SpannerStopReason
{
    /// <summary>Its own choice.</summary>
    OwnChoice = 1,

    /// <summary>The burden became too high.</summary>
    Overburdened = 2,

    /// <summary>Moved away.</summary>
    MovedAway = 3,

    /// <summary>The programme ended.</summary>
    ProgrammeEnded = 4,

    /// <summary>Another reason.</summary>
    Other = 5,
}

/// <summary>Where an assignment is in its life.</summary>
public enum AssignmentStatus
{
    /// <summary>Waiting for both agreements.</summary>
    Proposed = 1,

    /// <summary>Both agreed; the spanner supports the service user.</summary>
    Active = 2,

    /// <summary>Over; final.</summary>
    Ended = 3,
}

/// <summary>Whose agreement an assignment waits for.</summary>
public enum AssignmentParty
{
    /// <summary>The spanner.</summary>
    Spanner = 1,

    /// <summary>The service user.</summary>
    ServiceUser = 2,
}

/// <summary>Why an assignment ended.</summary>
public enum AssignmentEndReason
{
    /// <summary>The support is no longer needed.</summary>
    Completed = 1,

    /// <summary>The service user asked.</summary>
    ServiceUserRequest = 2,

    /// <summary>The spanner asked.</summary>
    SpannerRequest = 3,

    /// <summary>The spanner stopped and the assignment was handed over, or nobody could take it; server only.</summary>
    SpannerStopped = 4,

    /// <summary>Another reason, which the note gives.</summary>
    Other = 5,

    /// <summary>The spanner paused and the assignment was handed over, or nobody could take it; server only.</summary>
    SpannerPaused = 6,
}

/// <summary>How the successor of a stopped spanner's assignment was chosen.</summary>
public enum SuccessionBasis
{
    /// <summary>Named in the stop.</summary>
    Chosen = 1,

    /// <summary>The stopped spanner's backup.</summary>
    Backup = 2,

    /// <summary>The best match for the service user.</summary>
    BestMatch = 3,

    /// <summary>Nobody fitted.</summary>
    None = 4,
}

/// <summary>Why a spanner is at risk, as its supporting organization sees it.</summary>
[Flags]
public enum SpannerRisks
{
    /// <summary>Not at risk.</summary>
    None = 0,

    /// <summary>The latest check-in's burden is at or above the threshold.</summary>
    HighBurden = 1 << 1,

    /// <summary>No check-in within the configured period.</summary>
    CheckInOverdue = 1 << 2,

    /// <summary>No free place.</summary>
    AtCapacity = 1 << 3,

    /// <summary>No active backup.</summary>
    NoBackup = 1 << 4,

    /// <summary>The certificate of conduct is missing or too old.</summary>
    CertificateExpired = 1 << 5,
}
