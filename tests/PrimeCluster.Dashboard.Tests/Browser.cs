using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace PrimeCluster.Dashboard.Tests;

/// <summary>
/// Headless Chromium from the system's packages (chromium, chromium-driver), driven over WebDriver. Every wait is
/// bounded; screenshots go to the test output folder and, when PRIMECLUSTER_SCREENSHOTS names a folder, there too.
/// </summary>
public sealed class Browser : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private const string ChromiumPath = "/usr/bin/chromium";
    private const string DriverFolder = "/usr/bin";
    private const string DriverFile = "chromedriver";

    /// <summary>
    /// Runs before the page's own scripts: records the main thread's long tasks, for the responsiveness spec to read.
    /// </summary>
    private const string LongTaskRecorder = """
        window.__longTasks = [];
        try {
          new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
            .observe({ type: 'longtask', buffered: true });
        } catch (e) { }
        """;

    private static readonly Dictionary<string, object?> PhoneScreen = new() { ["width"] = 390, ["height"] = 844, ["deviceScaleFactor"] = 2, ["mobile"] = true };

    private readonly ITestOutputHelper _output;
    private readonly bool _phone;

    /// <param name="phone">A phone's screen, 390 by 844 CSS pixels at twice the density, instead of a laptop's window.</param>
    public Browser(ITestOutputHelper output, bool phone = false)
    {
        _output = output;
        _phone = phone;
        if (!File.Exists(ChromiumPath) || !File.Exists(Path.Combine(DriverFolder, DriverFile)))
        {
            throw new InvalidOperationException($"The browser specs need {ChromiumPath} and {DriverFolder}/{DriverFile}: apt-get install -y chromium chromium-driver");
        }

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--window-size=1400,1000");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(DriverFolder, DriverFile);
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, Bound);
        Driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = LongTaskRecorder });
        if (phone)
        {
            Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", PhoneScreen);
        }
    }

    public ChromeDriver Driver { get; }

    public void Open(Uri url) => Driver.Navigate().GoToUrl(url);

    /// <summary>Waits at most <paramref name="timeout"/> (else <see cref="Bound"/>) for <paramref name="condition"/> to hold.</summary>
    public T Until<T>(string what, Func<IWebDriver, T> condition, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(Driver, timeout ?? Bound) { PollingInterval = TimeSpan.FromMilliseconds(100), Message = $"Gave up waiting until {what}." };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        var started = DateTimeOffset.UtcNow;
        var result = wait.Until(condition);
        _output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {what} (after {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s)");
        return result;
    }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public ReadOnlyCollection<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    /// <summary>What the page logged at error level so far (the console, failed loads, uncaught exceptions).</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).Select(e => e.Message).ToList();

    /// <summary>
    /// Saves the page as NAME.png in the test output folder, and, for the documentation's shots, in
    /// PRIMECLUSTER_SCREENSHOTS when set.
    /// </summary>
    public void Screenshot(string name, bool documentation = true)
    {
        // On a laptop the whole page, not only what the window shows: the viewport grows to the page's height for the
        // shot. A phone's shot is its screen.
        Screenshot? shot;
        if (_phone)
        {
            shot = Driver.GetScreenshot();
        }
        else
        {
            var width = Convert.ToInt32(Script("return window.innerWidth;"), System.Globalization.CultureInfo.InvariantCulture);
            var height = Convert.ToInt32(Script("return document.documentElement.scrollHeight;"), System.Globalization.CultureInfo.InvariantCulture);
            Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?> { ["width"] = width, ["height"] = Math.Min(height, 4000), ["deviceScaleFactor"] = 1, ["mobile"] = false });
            shot = Driver.GetScreenshot();
            Driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", []);
        }

        foreach (var folder in ScreenshotFolders(documentation))
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"{name}.png");
            shot.SaveAsFile(path);
            _output.WriteLine($"screenshot: {path}");
        }
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }

    private static IEnumerable<string> ScreenshotFolders(bool documentation)
    {
        yield return Path.Combine(AppContext.BaseDirectory, "screenshots");
        if (documentation && Environment.GetEnvironmentVariable("PRIMECLUSTER_SCREENSHOTS") is { Length: > 0 } extra)
        {
            // A relative folder is the repository's (docs/images), wherever the test host runs.
            yield return Path.IsPathRooted(extra) ? extra : Path.Combine(RepositoryRoot(), extra);
        }
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PrimeCluster.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? Directory.GetCurrentDirectory();
    }
}
