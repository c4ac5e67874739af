namespace ReferralNet.Referrals.Domain;

/// <summary>Where a referral stands (the numbers are the contract's).</summary>
public enum ReferralStatus
{
    /// <summary>Sent; the receiver has not seen it yet.</summary>
    Requested = 1,

    /// <summary>Accepted; work has not started.</summary>
    Accepted = 2,

    /// <summary>The receiver is working on the need.</summary>
    InProgress = 3,

    /// <summary>Finished with an outcome; final.</summary>
    Completed = 4,

    /// <summary>Declined by the receiver, possibly redirected; final.</summary>
    Declined = 5,

    /// <summary>Withdrawn by the sender, or closed because its consent was revoked; final.</summary>
    Cancelled = 6,

    /// <summary>Not received before the acknowledgement deadline; final.</summary>
    Expired = 7,

    /// <summary>Ended after acceptance without result; final.</summary>
    Failed = 8,

    /// <summary>Seen by the receiver, not decided yet.</summary>
    Received = 9,

    /// <summary>On a waiting list, or waiting for information from the sender.</summary>
    OnHold = 10,

    /// <summary>Made by mistake; final, and no part of pillar-to-post.</summary>
    EnteredInError = 11,
}

/// <summary>How soon the help is needed.</summary>
public enum ReferralPriority
{
    /// <summary>In the normal course.</summary>
    Routine = 1,

    /// <summary>Sooner than routine.</summary>
    Urgent = 2,

    /// <summary>As soon as possible.</summary>
    Asap = 3,
}

/// <summary>Why a referral is on hold.</summary>
public enum HoldReason
{
    /// <summary>On the service's waiting list.</summary>
    WaitingList = 1,

    /// <summary>The receiver asked the sender for information.</summary>
    InformationNeeded = 2,
}

/// <summary>Why a receiver declined.</summary>
public enum DeclineReason
{
    /// <summary>No room.</summary>
    NoCapacity = 1,

    /// <summary>Not eligible (e.g. age).</summary>
    NotEligible = 2,

    /// <summary>Lives outside the service's area.</summary>
    OutsideArea = 3,

    /// <summary>Not something this service helps with.</summary>
    WrongService = 4,

    /// <summary>Already helped with this need.</summary>
    AlreadyHelped = 5,

    /// <summary>Lacking information: not a decline; the receiver asks for information instead.</summary>
    InsufficientInformation = 6,

    /// <summary>The service user does not want this help.</summary>
    ServiceUserRefused = 7,

    /// <summary>Another reason, which the note names.</summary>
    Other = 8,
}

/// <summary>Why an accepted referral failed.</summary>
public enum FailureReason
{
    /// <summary>No contact with the service user.</summary>
    NoContact = 1,

    /// <summary>The service user stopped taking part.</summary>
    ServiceUserWithdrew = 2,

    /// <summary>The service ended before the work was done.</summary>
    ServiceEnded = 3,

    /// <summary>The service did not fit the need.</summary>
    NotSuitable = 4,

    /// <summary>The consent was revoked; set by the server only.</summary>
    ConsentRevoked = 5,

    /// <summary>Another reason, which the note names.</summary>
    Other = 6,
}

/// <summary>What a completed referral achieved.</summary>
public enum ReferralOutcome
{
    /// <summary>The need is met.</summary>
    NeedMet = 1,

    /// <summary>The need is partly met.</summary>
    NeedPartlyMet = 2,

    /// <summary>Delivered, but the need is not met.</summary>
    NeedNotMet = 3,
}

/// <summary>The rules of pillar-to-post a chain breaks, as a set (stored as one number).</summary>
[Flags]
public enum PillarToPostReasons
{
    /// <summary>No rule broken.</summary>
    None = 0,

    /// <summary>Two or more declined, expired or failed referrals.</summary>
    RepeatedRejection = 1,

    /// <summary>Too long without an accepted referral.</summary>
    NoAcceptance = 2,

    /// <summary>Too many organizations asked.</summary>
    TooManyOrganizations = 4,
}
