using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>A message carries one client's alerts, never two clients'.</summary>
public sealed class NotificationMessageTests
{
    [Fact]
    public void Digest_MixingTwoClients_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => NotificationMessage.Digest(TestNotify.Client,
            [TestNotify.Alert(), TestNotify.Alert(client: TestNotify.OtherClient)]));

        Assert.Contains(TestNotify.OtherClient.Id.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForAlert_OfAnotherClient_Throws() =>
        Assert.Throws<ArgumentException>(() => NotificationMessage.ForAlert(TestNotify.OtherClient, TestNotify.Alert()));

    [Fact]
    public void Digest_Empty_Throws() =>
        Assert.Throws<ArgumentException>(() => NotificationMessage.Digest(TestNotify.Client, []));

    [Fact]
    public void Digest_MoreThanMaxShown_CountsTheRest()
    {
        var alerts = Enumerable.Range(0, 15).Select(i => TestNotify.Alert(i)).ToList();

        var message = NotificationMessage.Digest(TestNotify.Client, alerts, totalCount: 40, maxShown: 10);

        Assert.Equal(10, message.Alerts.Count);
        Assert.Equal(40, message.TotalCount);
        Assert.Equal(30, message.More);
        Assert.True(message.IsDigest);
    }

    [Fact]
    public void Digest_TotalBelowGiven_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NotificationMessage.Digest(TestNotify.Client, [TestNotify.Alert(), TestNotify.Alert()], totalCount: 1));
}
