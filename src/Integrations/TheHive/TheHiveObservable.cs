namespace Socme.Integrations.TheHive;

/// <summary>One TheHive observable (v1 <c>observables[]</c>, legacy <c>artifacts[]</c>).</summary>
/// <param name="DataType">TheHive data type: <c>ip</c>, <c>domain</c>, <c>url</c>, <c>hash</c>, <c>filename</c>, <c>mail</c>, or the configured user type (default <c>other</c>).</param>
/// <param name="Data">The normalised value.</param>
/// <param name="Tags">Where it came from and what it is (<c>src</c>, <c>dst</c>, <c>agent</c>, <c>private</c>, <c>dns</c>, <c>sha256</c>, <c>user</c>, ...).</param>
/// <param name="Message">A short human description (merged when the same value comes from several fields).</param>
public sealed record TheHiveObservable(string DataType, string Data, IReadOnlyList<string> Tags, string? Message);
