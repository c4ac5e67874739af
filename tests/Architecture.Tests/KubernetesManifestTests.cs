using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ReferralNet.Architecture.Tests;

/// <summary>
/// Renders both kustomize overlays with <c>kubectl kustomize</c> (no cluster needed) and checks what the distributed shape
/// relies on: every service has its Deployment, running exactly that service, with a Dapr sidecar, gRPC probes (liveness
/// on the liveness service), requests and limits, a non-root read-only security context and no secret in plain text,
/// plus its Service, disruption budget, autoscaler and migration Job, its own database's connection string from its own
/// Secret, and its place in the sidecars' Resiliency; the dev overlay renders every Secret and key the pods and sidecars
/// read. Skipped where kubectl is not installed. (The schemas of the rendered objects: tests/k8s/validate.mjs, in .ci/run.)
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly string Root = ArchitectureTests.FindRoot();

    public static TheoryData<string> Overlays => new() { "dev", "prod" };

    [SkippableTheory]
    [MemberData(nameof(Overlays))]
    public void Every_service_runs_as_its_own_deployment_with_a_sidecar_probes_limits_and_a_locked_down_container(string overlay)
    {
        var objects = Render(overlay);
        var deployments = Ours(objects, "Deployment").ToList();

        // Every service module in services/ has its Deployment: a new service cannot ship without its manifests.
        var services = Directory.GetFiles(Path.Combine(Root, "services"), "*Module.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetFileNameWithoutExtension(f)[..^"Module".Length].ToLowerInvariant()).Order().ToList();
        Assert.NotEmpty(services);
        Assert.Equal(services, deployments.Select(Name).Order());

        foreach (var deployment in deployments)
        {
            var name = Name(deployment);
            var template = Map(deployment, "spec", "template");
            var annotations = Map(template, "metadata", "annotations");
            Assert.Equal("true", Text(annotations, "dapr.io/enabled"));
            Assert.Equal(name, Text(annotations, "dapr.io/app-id"));
            Assert.Equal("8080", Text(annotations, "dapr.io/app-port"));
            Assert.Equal("grpc", Text(annotations, "dapr.io/app-protocol"));
            Assert.Equal("referralnet", Text(annotations, "dapr.io/config"));
            Assert.False(string.IsNullOrEmpty(Text(annotations, "dapr.io/app-token-secret")));

            var pod = Map(template, "spec");
            Assert.Equal("true", Text(Map(pod, "securityContext"), "runAsNonRoot"));
            var container = Assert.IsType<YamlMappingNode>(Assert.Single(Sequence(pod, "containers")));
            var env = Sequence(container, "env").Cast<YamlMappingNode>().ToList();
            Assert.Equal([name], env.Where(e => Text(e, "name") == "ReferralNet__Services__0").Select(e => Text(e, "value")));
            AssertNoPlainSecrets(name, env);
            AssertOwnDatabase(name, env);

            Assert.Equal("liveness", Text(Map(container, "livenessProbe", "grpc"), "service"));
            Assert.Equal("liveness", Text(Map(container, "startupProbe", "grpc"), "service"));
            Assert.Equal("8080", Text(Map(container, "readinessProbe", "grpc"), "port"));
            Assert.Null(Text(Map(container, "readinessProbe", "grpc"), "service"));
            foreach (var kind in new[] { "requests", "limits" })
            {
                Assert.NotNull(Text(Map(container, "resources", kind), "cpu"));
                Assert.NotNull(Text(Map(container, "resources", kind), "memory"));
            }

            var security = Map(container, "securityContext");
            Assert.Equal("true", Text(security, "readOnlyRootFilesystem"));
            Assert.Equal("true", Text(security, "runAsNonRoot"));
            Assert.Equal("false", Text(security, "allowPrivilegeEscalation"));
            Assert.Contains("ALL", Sequence(Map(security, "capabilities"), "drop").Select(d => ((YamlScalarNode)d).Value));

            // What a read-only root leaves writable: the data folder and the temp folder, both volumes.
            Assert.Equal(["/data", "/tmp"], Sequence(container, "volumeMounts").Cast<YamlMappingNode>().Select(m => Text(m, "mountPath")).Order());

            var labels = Map(template, "metadata", "labels");
            Assert.Single(Ours(objects, "Service"), s => Name(s) == name && Selects(Map(s, "spec", "selector"), labels));
            Assert.Single(Ours(objects, "PodDisruptionBudget"), p => Selects(Map(p, "spec", "selector", "matchLabels"), labels));
            Assert.Single(Ours(objects, "HorizontalPodAutoscaler"), h => Text(Map(h, "spec", "scaleTargetRef"), "name") == name);

            var job = Assert.Single(Ours(objects, "Job"), j => Name(j) == $"{name}-migrate");
            var jobPod = Map(job, "spec", "template", "spec");
            var migrate = Assert.IsType<YamlMappingNode>(Assert.Single(Sequence(jobPod, "containers")));
            Assert.Equal(["migrate"], Sequence(migrate, "args").Select(a => ((YamlScalarNode)a).Value));
            Assert.Equal("false", Text(Map(job, "spec", "template", "metadata", "annotations"), "dapr.io/enabled"));
            Assert.Equal("true", Text(Map(migrate, "securityContext"), "readOnlyRootFilesystem"));
            Assert.Equal([name], Sequence(migrate, "env").Cast<YamlMappingNode>().Where(e => Text(e, "name") == "ReferralNet__Services__0").Select(e => Text(e, "value")));
            AssertNoPlainSecrets($"{name}-migrate", Sequence(migrate, "env").Cast<YamlMappingNode>());
            AssertOwnDatabase($"{name}-migrate", Sequence(migrate, "env").Cast<YamlMappingNode>(), name);
        }

        // Every service is a target of the sidecars' resiliency policy (the call timeout of service invocation).
        var apps = Map(Assert.Single(objects, o => Text(o, "kind") == "Resiliency"), "spec", "targets", "apps");
        Assert.Equal(services, apps.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order());
    }

    [SkippableFact]
    public void Dev_renders_every_secret_and_key_its_pods_and_sidecars_reference()
    {
        var objects = Render("dev");
        var secrets = objects.Where(o => Text(o, "kind") == "Secret")
            .ToDictionary(Name, s => Map(s, "data").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet());
        var pods = objects.Where(o => Text(o, "kind") is "Deployment" or "StatefulSet" or "Job").Select(o => (Owner: Name(o), Template: Map(o, "spec", "template"))).ToList();
        Assert.NotEmpty(pods);
        foreach (var (owner, template) in pods)
        {
            var annotations = Map(template, "metadata", "annotations");
            foreach (var annotation in new[] { "dapr.io/app-token-secret", "dapr.io/api-token-secret" })
            {
                if (Text(annotations, annotation) is { } secret)
                {
                    Assert.True(secrets.TryGetValue(secret, out var keys) && keys.Contains("token"), $"{owner}'s {annotation} names {secret}, which dev does not render with a key 'token'.");
                }
            }

            var references = Sequence(Map(template, "spec"), "containers").Cast<YamlMappingNode>()
                .SelectMany(c => Sequence(c, "env").Cast<YamlMappingNode>()).Select(e => Map(e, "valueFrom", "secretKeyRef"))
                .Where(r => Text(r, "name") is not null && Text(r, "optional") != "true");
            foreach (var reference in references)
            {
                var (secret, key) = (Text(reference, "name")!, Text(reference, "key")!);
                Assert.True(secrets.TryGetValue(secret, out var keys) && keys.Contains(key), $"{owner} reads key {key} of Secret {secret}, which dev does not render.");
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Overlays))]
    public void Both_overlays_carry_the_dapr_resources_the_services_use(string overlay)
    {
        var objects = Render(overlay);
        var components = objects.Where(o => Text(o, "kind") == "Component").ToDictionary(Name, o => Text(Map(o, "spec"), "type"));
        var broker = overlay == "dev" ? "pubsub.redis" : "pubsub.kafka";
        Assert.Equal(broker, components["referralnet-pubsub"]);
        Assert.Equal(broker, components["referralnet-broadcast"]);
        Assert.Single(objects, o => Text(o, "kind") == "Configuration" && Text(Map(o, "spec", "tracing", "otel"), "endpointAddress") is not null);
        Assert.Single(objects, o => Text(o, "kind") == "Resiliency");
        Assert.Single(objects, o => Text(o, "kind") == "NetworkPolicy");

        var config = Assert.Single(objects, o => Text(o, "kind") == "ConfigMap" && Name(o).StartsWith("referralnet-config", StringComparison.Ordinal));
        var data = Map(config, "data");
        Assert.Equal("SqlServer", Text(data, "ReferralNet__Database__Provider"));
        Assert.Equal("false", Text(data, "ReferralNet__Database__MigrateOnStart"));
        Assert.Equal("true", Text(data, "ReferralNet__Dapr__Enabled"));
    }

    [SkippableFact]
    public void Prod_runs_several_replicas_on_the_authority_and_renders_no_secret()
    {
        var objects = Render("prod");
        Assert.DoesNotContain(objects, o => Text(o, "kind") == "Secret");
        var data = Map(Assert.Single(objects, o => Text(o, "kind") == "ConfigMap"), "data");
        Assert.Equal("Production", Text(data, "ASPNETCORE_ENVIRONMENT"));
        Assert.Equal("false", Text(data, "ReferralNet__Auth__DevIssuer"));
        Assert.StartsWith("https://", Text(data, "ReferralNet__Auth__Authority"));
        Assert.All(Ours(objects, "Deployment"), d => Assert.True(int.Parse(Text(Map(d, "spec"), "replicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 2));
        Assert.All(Ours(objects, "HorizontalPodAutoscaler"), h => Assert.True(int.Parse(Text(Map(h, "spec"), "minReplicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 2));
    }

    [SkippableFact]
    public void Dev_runs_one_replica_with_its_own_sql_server_and_the_dev_issuer()
    {
        var objects = Render("dev");
        Assert.All(Ours(objects, "Deployment"), d => Assert.Equal("1", Text(Map(d, "spec"), "replicas")));
        Assert.Single(objects, o => Text(o, "kind") == "StatefulSet" && Name(o) == "sqlserver");
        var data = Map(Assert.Single(objects, o => Text(o, "kind") == "ConfigMap"), "data");
        Assert.Equal("true", Text(data, "ReferralNet__Auth__DevIssuer"));
        Assert.NotEqual("Production", Text(data, "ASPNETCORE_ENVIRONMENT"));
    }

    // A key, a connection string, a token or a password only ever arrives from a Secret.
    private static void AssertNoPlainSecrets(string owner, IEnumerable<YamlMappingNode> env)
    {
        foreach (var variable in env.Where(e => SecretName().IsMatch(Text(e, "name")!)))
        {
            Assert.True(Text(variable, "value") is null, $"{owner} sets {Text(variable, "name")} in plain text.");
            Assert.NotNull(Text(Map(variable, "valueFrom", "secretKeyRef"), "name"));
        }
    }

    // A service's connection string names its own database and comes from its own Secret: no two services share one.
    private static void AssertOwnDatabase(string owner, IEnumerable<YamlMappingNode> env, string? service = null)
    {
        service ??= owner;
        var connections = env.Where(e => Text(e, "name")!.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList();
        var connection = Assert.Single(connections);
        Assert.True(Text(connection, "name") == $"ConnectionStrings__{service}", $"{owner} sets {Text(connection, "name")}, not ConnectionStrings__{service}.");
        Assert.Equal($"{service}-database", Text(Map(connection, "valueFrom", "secretKeyRef"), "name"));
    }

    [GeneratedRegex("Keys__|ConnectionStrings__|Secret|SigningKey|Password|Token", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    private static IEnumerable<YamlMappingNode> Ours(List<YamlMappingNode> objects, string kind) =>
        objects.Where(o => Text(o, "kind") == kind && Text(Map(o, "metadata", "labels"), "app.kubernetes.io/part-of") == "referralnet");

    private static bool Selects(YamlMappingNode selector, YamlMappingNode labels) =>
        selector.Children.Count > 0 && selector.Children.All(pair => Text(labels, ((YamlScalarNode)pair.Key).Value!) == ((YamlScalarNode)pair.Value).Value);

    private static string Name(YamlMappingNode resource) => Text(Map(resource, "metadata"), "name")!;

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map ? map : new YamlMappingNode();
        }

        return node;
    }

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence ? sequence.Children : [];

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar ? scalar.Value : null;

    private static List<YamlMappingNode> Render(string overlay)
    {
        const string kubectl = "/usr/bin/kubectl";
        var path = File.Exists(kubectl) ? kubectl : Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        Skip.If(path is null, "kubectl is not installed: the overlays cannot be rendered here.");
        using var process = Process.Start(new ProcessStartInfo(path!, ["kustomize", Path.Combine(Root, "k8s", "overlays", overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "kubectl kustomize did not finish within a minute.");
        Assert.True(process.ExitCode == 0, $"kubectl kustomize k8s/overlays/{overlay} failed: {error.Result}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output.Result));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }
}
