using System.Globalization;
using OpenQA.Selenium;
using PrimeCluster.Core;
using PrimeCluster.Core.Kernels;
using Xunit.Abstractions;

namespace PrimeCluster.Dashboard.Tests;

/// <summary>The page every seed serves at /, in headless Chromium, against real node processes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardSpecs(ITestOutputHelper output) : IDisposable
{
    private readonly DashboardNodes _nodes = new(output);

    [Fact]
    public async Task The_page_should_show_the_cluster_and_its_jobs_without_console_errors()
    {
        var seed = await _nodes.StartLoneSeedAsync(("WORKERS", "2"));
        var id = await DashboardNodes.SubmitAsync(seed, """{"from": 1, "til": 200000, "algorithm": "sieve"}""");
        var running = await DashboardNodes.SubmitAsync(seed, """{"from": 1, "til": 3000000}""");
        using var browser = new Browser(output);

        browser.Open(seed.Api);

        browser.Until("the seed is listed as a member", _ => browser.FindAll($"tr[data-member='{seed.Address}']").Count == 1);
        browser.Until("the sieve job is listed, done", _ => browser.Find($"tr[data-job-id='{id}'] .state").Text == "done");
        browser.Until("the trial job runs", _ => browser.Find($"tr[data-job-id='{running}'] .state").Text == "running");
        browser.Until("the page follows the cluster's events", _ => browser.Find("#connection").GetDomAttribute("data-mode") == "live");
        browser.Until("the throughput chart draws the seed", _ => browser.FindAll("svg.chart path.line").Count > 0 && browser.Find($"tr[data-member='{seed.Address}'] .rate").Text != "–");
        browser.Screenshot("cluster-and-jobs");
        Assert.Single(browser.FindAll("#members tr"));
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task On_a_phone_the_page_should_fit_the_screen_s_width()
    {
        var seed = await _nodes.StartLoneSeedAsync();
        await DashboardNodes.SubmitAsync(seed, """{"from": 1, "til": 100000, "algorithm": "sieve"}""");
        using var browser = new Browser(output, phone: true);

        browser.Open(seed.Api);

        browser.Until("the seed and the job are listed", _ => browser.FindAll("#members tr").Count == 1 && browser.FindAll("#jobs tr").Count == 1);
        browser.Screenshot("phone");
        var overflow = Convert.ToInt32(browser.Script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;"), CultureInfo.InvariantCulture);
        var wide = browser.Script("""
            return [...document.querySelectorAll('body *')]
              .filter((e) => !e.closest('.table-wrap, .timeline-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .slice(0, 5).map((e) => `${e.tagName}.${e.className}`).join(' ');
            """);
        Assert.True(overflow == 0, $"The page is {overflow} px wider than the screen: {wide}");
        Assert.True(browser.Find("#job-submit").Displayed);
    }

    [Fact]
    public async Task A_job_submitted_from_the_form_should_show_its_progress_and_end_with_the_exact_tuple()
    {
        var seed = await _nodes.StartLoneSeedAsync(("WORKERS", "2"));
        var range = new NumberRange(1, 1_000_000);
        using var browser = new Browser(output);
        browser.Open(seed.Api);
        browser.Until("the form is there", _ => browser.Find("#job-submit").Displayed);

        Fill(browser.Find("#job-from"), range.From.ToString(CultureInfo.InvariantCulture));
        Fill(browser.Find("#job-til"), range.Til.ToString(CultureInfo.InvariantCulture));
        browser.Find("#job-submit").Click();
        var link = browser.Until("the node accepted the job", _ => browser.Find("#job-outcome a"));
        link.Click();

        double Progress() => double.Parse(browser.Find(".job [role=progressbar]").GetDomAttribute("aria-valuenow")!, CultureInfo.InvariantCulture);
        var seen = new SortedSet<double>();
        browser.Until("the job is done", _ =>
        {
            seen.Add(Progress());
            return browser.Find(".job .state").Text == "done";
        });
        seen.Add(Progress());
        browser.Until("the result is shown", _ => browser.Find("#result-checks").Displayed);
        browser.Until("the timeline or its note is drawn", _ => browser.FindAll("svg.timeline rect.batch").Count > 0 || browser.Find(".panel .empty-note").Text.Length > 0);
        browser.Screenshot("job");

        output.WriteLine($"progress seen: {string.Join(", ", seen)}");
        Assert.Contains(seen, p => p is > 0 and < 100);
        Assert.Equal(100, seen.Max);
        var expected = PrimeKernels.For(Algorithm.Sieve).Count(range.From, range.Til);
        Assert.Equal(expected.PrimeCount.ToString(CultureInfo.InvariantCulture), browser.Find("#result-primes").Text);
        Assert.Equal(expected.CheckCount.ToString(), browser.Find("#result-checks").Text);
    }

    [Fact]
    public async Task A_worker_started_while_the_page_is_open_should_appear_in_the_cluster_view()
    {
        var seed = _nodes.Start(("CLUSTER_ROLES", "seed"));
        await DashboardNodes.WaitUntilHealthyAsync(seed);
        using var browser = new Browser(output);
        browser.Open(seed.Api);
        browser.Until("the seed is listed", _ => browser.FindAll("#members tr").Count == 1);

        var worker = _nodes.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address));

        var row = $"tr[data-member='{worker.Address}']";
        browser.Until("the worker appears", _ => browser.Find(row));

        // Found again at each look: a member that drops out of one snapshot of the list comes back as a new row.
        browser.Until("the worker is up with its worker actor", _ => browser.Find($"{row} .workers").Text == "0 busy, 1 idle" && browser.Find($"{row} .status").Text == "up");
        Assert.Equal(2, browser.FindAll("#members tr").Count);
    }

    [Fact]
    public async Task The_cancel_button_should_ask_first_and_cancel_a_running_job_only_when_confirmed()
    {
        var seed = await _nodes.StartLoneSeedAsync();
        var id = await DashboardNodes.SubmitAsync(seed, """{"from": 1, "til": 100000000, "accept_cost": true}""");
        using var browser = new Browser(output);
        browser.Open(seed.Api);
        browser.Until("the job runs", _ => browser.Find($"tr[data-job-id='{id}'] .state").Text == "running");

        browser.Find($"button[aria-label='Cancel job {id}']").Click();
        var question = browser.Until("the page asks first", driver => driver.SwitchTo().Alert());
        Assert.StartsWith($"Cancel job {id} [1, 100000000] (trial)?", question.Text, StringComparison.Ordinal);
        question.Dismiss();

        // Kept running, with its button, after a look at the seed.
        Assert.Equal("running", await DashboardNodes.StateAsync(seed, id));
        Assert.Single(browser.FindAll($"button[aria-label='Cancel job {id}']"));

        browser.Find($"button[aria-label='Cancel job {id}']").Click();
        browser.Until("the page asks again", driver => driver.SwitchTo().Alert()).Accept();

        browser.Until("the job shows cancelled", _ => browser.Find($"tr[data-job-id='{id}'] .state").Text == "cancelled");
        Assert.Equal("cancelled", await DashboardNodes.StateAsync(seed, id));
        Assert.Empty(browser.FindAll($"button[aria-label='Cancel job {id}']"));
    }

    [Fact]
    public async Task With_a_token_the_page_should_refuse_a_wrong_one_clearly_and_work_with_the_right_one()
    {
        const string token = "correct-horse-battery-staple";
        var seed = await _nodes.StartLoneSeedAsync(("API_TOKEN", token));
        using var browser = new Browser(output);
        browser.Open(seed.Api);

        browser.Until("the page asks for the token", _ => browser.Find("#token-prompt").Displayed);
        Assert.Contains("asks for its API token", browser.Find("#token-message").Text, StringComparison.Ordinal);
        Assert.Empty(browser.FindAll("#members tr"));

        // Nothing heard of the cluster yet: no word that it has no members or no jobs.
        Assert.DoesNotContain(browser.FindAll(".empty-note"), note => note.Displayed);
        browser.Screenshot("token-prompt");

        Fill(browser.Find("#token-input"), "wrong-token");
        browser.Find("#token-form button").Click();
        browser.Until("the page says the token was refused", _ => browser.Find("#token-message").Text.Contains("refused that token", StringComparison.Ordinal));
        Assert.True(browser.Find("#token-prompt").Displayed);

        Fill(browser.Find("#token-input"), token);
        browser.Find("#token-form button").Click();
        browser.Until("the prompt goes and the seed is listed", _ => !browser.Find("#token-prompt").Displayed && browser.FindAll($"tr[data-member='{seed.Address}']").Count == 1);
    }

    [Fact]
    public async Task The_cost_estimate_should_point_at_the_forms_own_way_past_the_limit()
    {
        var seed = await _nodes.StartLoneSeedAsync();
        using var browser = new Browser(output);
        browser.Open(seed.Api);
        browser.Until("the form is there", _ => browser.Find("#job-submit").Displayed);

        Fill(browser.Find("#job-til"), "100000000");

        var estimate = browser.Until("the estimate says the job is over the limit", _ => browser.Find("#job-estimate").Text is var text && text.Contains("cost limit", StringComparison.Ordinal) ? text : null);
        Assert.EndsWith("Tick “Run it anyway” to submit it.", estimate, StringComparison.Ordinal);
        Assert.DoesNotContain("accept_cost", estimate, StringComparison.Ordinal);
        Assert.True(browser.Find("#job-accept").Displayed);
    }

    [Fact]
    public async Task A_formula_job_should_not_flatten_the_throughput_of_the_trial_jobs_beside_it()
    {
        var seed = await _nodes.StartLoneSeedAsync(("WORKERS", "2"));
        using var browser = new Browser(output);
        browser.Open(seed.Api);
        browser.Until("the page follows the cluster's events", _ => browser.Find("#connection").GetDomAttribute("data-mode") == "live");

        // Some 10^22 checks in one batch, then a trial job of some 10^10 checks a second.
        var formula = await DashboardNodes.SubmitAsync(seed, """{"from": 0, "til": 1000000000000, "algorithm": "formula"}""");
        browser.Until("the formula job is done", _ => browser.Find($"tr[data-job-id='{formula}'] .state").Text == "done");
        await DashboardNodes.SubmitAsync(seed, """{"from": 1, "til": 5000000, "accept_cost": true}""");

        // How high the trial chart's line rises, as a share of its plot: a flat line at 0 is 0.
        const string TrialHeight = """
            const svg = document.querySelector("figure[data-algorithm='trial'] svg.chart");
            const line = svg?.querySelector('path.line');
            if (!line) return 0;
            const base = Number(svg.querySelector('line.baseline').getAttribute('y1'));
            const ys = [...line.getAttribute('d').matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
            return (base - Math.min(...ys)) / (base - 10);
            """;
        browser.Until("the trial job's line rises on its own chart", _ => Convert.ToDouble(browser.Script(TrialHeight), CultureInfo.InvariantCulture) > 0.2);
        browser.Screenshot("throughput-by-algorithm", documentation: false);
        Assert.Equal("trial: checks/s", browser.Find("figure[data-algorithm='trial'] .chart-title").Text);
        Assert.Equal("formula: numbers/s", browser.Find("figure[data-algorithm='formula'] .chart-title").Text);
        Assert.Contains("checks/s", browser.Find($"tr[data-member='{seed.Address}'] .rate").Text, StringComparison.Ordinal);
        Assert.Empty(browser.ConsoleErrors());
    }

    [Fact]
    public async Task The_timeline_should_give_each_worker_of_each_node_a_lane_of_its_own()
    {
        // The README's layout: a seed and two worker nodes of one worker actor each, both named worker-0.
        var seed = _nodes.Start(("CLUSTER_ROLES", "seed"));
        await DashboardNodes.WaitUntilHealthyAsync(seed);
        var workers = new[]
        {
            _nodes.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address)),
            _nodes.Start(("CLUSTER_ROLES", "worker"), ("WORKERS", "1"), ("CLUSTER_SEEDS", seed.Address)),
        };
        using var browser = new Browser(output);
        browser.Open(seed.Api);
        browser.Until("both workers are up", _ => browser.FindAll("#members tr").Count == 3 && browser.Find("#members").Text.Split("1 idle").Length == 3);

        var id = await DashboardNodes.SubmitAsync(seed, """{"from": 1, "til": 2000000, "batches": 40}""");
        browser.Open(new Uri(seed.Api, $"#/jobs/{id}"));

        browser.Until("the job is done", _ => browser.Find(".job .state").Text == "done");
        var lanes = browser.Until("the timeline draws a lane per worker", _ => browser.FindAll("svg.timeline text.lane-label") is { Count: 2 } labels ? labels.Select(l => l.Text).ToList() : null);
        Assert.Equal(workers.Select(w => $"{w.Address[(w.Address.IndexOf('@', StringComparison.Ordinal) + 1)..]} worker-0").Order(StringComparer.Ordinal), lanes!.Order(StringComparer.Ordinal));
    }

    public void Dispose() => _nodes.Dispose();

    private static void Fill(IWebElement input, string text)
    {
        input.Clear();
        input.SendKeys(text);
    }
}
