using System.ComponentModel.DataAnnotations;

namespace Socme.Integrations.TheHive;

/// <summary>Which TheHive API the client speaks.</summary>
public enum TheHiveApiFlavour
{
    /// <summary>TheHive 5 (and 4.1+): <c>POST /api/v1/alert</c> with <c>observables</c>.</summary>
    V1 = 0,

    /// <summary>TheHive 3 and 4 legacy (v0) API: <c>POST /api/alert</c> with <c>artifacts</c>.</summary>
    Legacy = 1,
}

/// <summary>Connection and mapping settings of one TheHive instance. Bound by the host; the library never reads configuration.</summary>
/// <remarks>
/// <see cref="ApiKey"/> is a secret: the client sends it only in the <c>Authorization</c> header and removes it from every
/// reason and log message it produces. This type has no <c>ToString</c> override and is not a record, so it does not
/// print the key when logged by accident.
/// </remarks>
public sealed class TheHiveOptions
{
    /// <summary>TheHive's base URL, e.g. <c>https://thehive.example.org/</c> or <c>http://10.0.0.5:9000/thehive/</c> (a path prefix is kept).</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>API key of the TheHive user SOCme acts as (sent as <c>Authorization: Bearer</c>). Needs the <c>manageAlert</c> permission.</summary>
    [Required]
    [MinLength(1)]
    public string ApiKey { get; set; } = "";

    /// <summary>Organisation to act in (<c>X-Organisation</c> header). Null: the user's default organisation.</summary>
    public string? Organisation { get; set; }

    public TheHiveApiFlavour Flavour { get; set; } = TheHiveApiFlavour.V1;

    /// <summary>The alert <c>type</c>. With <see cref="Source"/> and <c>sourceRef</c> it is TheHive's uniqueness key.</summary>
    [Required]
    [MinLength(1)]
    public string AlertType { get; set; } = "socme";

    /// <summary>The alert <c>source</c>.</summary>
    [Required]
    [MinLength(1)]
    public string Source { get; set; } = "SOCme";

    /// <summary>TLP of created alerts and observables: 0 clear/white, 1 green, 2 amber, 3 amber+strict (legacy: red), 4 red (v1 only; legacy gets 3).</summary>
    [Range(0, 4)]
    public int Tlp { get; set; } = 2;

    /// <summary>PAP of created alerts (v1 only): 0 clear, 1 green, 2 amber, 3 red.</summary>
    [Range(0, 3)]
    public int Pap { get; set; } = 2;

    /// <summary>Time allowed for one HTTP request; a request that takes longer is reported as a retry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most observables sent with one alert (extraction stops there).</summary>
    [Range(0, 500)]
    public int MaxObservables { get; set; } = 50;

    /// <summary>
    /// TheHive data type used for user accounts. TheHive's default types have no user type, so the default is
    /// <c>other</c> (tagged <c>user</c>); set it to a type created in TheHive (e.g. <c>user-account</c>) to use that.
    /// </summary>
    [Required]
    [MinLength(1)]
    public string UserDataType { get; set; } = "other";

    /// <summary>Append the raw alert JSON (fenced, cut at <see cref="MaxRawJsonChars"/>) to the alert description.</summary>
    public bool IncludeRawJson { get; set; } = true;

    [Range(0, 1_000_000)]
    public int MaxRawJsonChars { get; set; } = 16_000;

    /// <summary>Base URL of TheHive's web UI for the links returned to SOCme. Null: <see cref="BaseUrl"/>.</summary>
    public Uri? UiBaseUrl { get; set; }
}
