using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AssetForge.Tests.Support;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Npgsql;
using Xunit.Abstractions;

namespace AssetForge.Tests.Contract;

/// <summary>
/// Walks the served OpenAPI document and, for every operation, sends malformed values for each parameter and each
/// body field (wrong types, bounds ± 1, huge strings, NUL, unpaired surrogates, deep nesting, bad ids, dates at the
/// calendar's ends) and malformed bodies (wrong content types, broken JSON, too large), each on an otherwise valid
/// request against real rows. No answer may be a 5xx, every 4xx is problem+json whatever Accept says (the contract
/// validator also checks each against the document), and a refused write changes no row of any table.
/// Deterministic: values and order come from the document and the lists below, nothing is random.
/// </summary>
public sealed class DocumentFuzzTests(DocumentFuzzTests.Factory factory, ITestOutputHelper output) : IClassFixture<DocumentFuzzTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        // Thousands of writes from one admin: the write budget must not turn them into 429s.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("RateLimiting:Writes:PermitLimit", "1000000"), new("RateLimiting:Anonymous:PermitLimit", "1000000")];
    }

    private static readonly string[] Accepts = ["", "application/xml", "text/html"];

    private sealed record Probe(string What, HttpMethod Method, string Url, HttpContent? Body, IReadOnlyList<(string Name, string Value)> Headers);

    private sealed record Fixtures(Guid Asset, Guid VariantAsset, Guid Variant, Guid Pipeline, Guid Stage, Guid Error);

    [Fact]
    public async Task Every_malformed_value_of_every_operation_is_a_4xx_problem_and_changes_no_data()
    {
        var admin = await factory.SignInAsync(admin: true);
        var fixtures = await ArrangeAsync(admin);
        var read = OpenApiDocument.Parse(await admin.Client.GetStringAsync(ContractValidator.DocumentPath), OpenApiConstants.Json,
            new OpenApiReaderSettings());
        var document = read.Document ?? throw new InvalidOperationException("The served document does not parse.");
        var checksum = await ChecksumAsync();

        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var serverFailures = new List<string>();
        int sent = 0, accepted = 0, refused = 0, serverErrors = 0;
        // Deletes last, so the rows the other operations aim at are still there when they run.
        var operations = document.Paths
            .SelectMany(p => (p.Value.Operations ?? new()).Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value)))
            .OrderBy(o => o.Method == HttpMethod.Delete).ThenBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Method.Method, StringComparer.Ordinal)
            .ToList();
        foreach (var (path, method, operation) in operations)
        {
            var stream = operation.Responses?.Values.Any(r => r.Content?.ContainsKey("text/event-stream") == true) == true;
            var writes = method != HttpMethod.Get && method != HttpMethod.Head;
            foreach (var probe in Probes(path, method, operation, fixtures))
            {
                var request = new HttpRequestMessage(probe.Method, probe.Url) { Content = probe.Body };
                var accept = stream ? "text/event-stream" : Accepts[sent % Accepts.Length];
                if (accept.Length > 0) request.Headers.TryAddWithoutValidation("Accept", accept);
                foreach (var (name, value) in probe.Headers) request.Headers.TryAddWithoutValidation(name, value);
                sent++;
                var label = $"{probe.Method} {Shorten(probe.Url)} [{probe.What}] Accept={accept}";

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                HttpResponseMessage response;
                try
                {
                    // Headers only: a stream the probe happened to open legitimately never ends.
                    response = await admin.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                }
                catch (Exception e)
                {
                    failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
                    continue;
                }
                using (response)
                {
                    var status = (int)response.StatusCode;
                    if (status < 400)
                    {
                        accepted++; // a malformed-looking value the operation may take (a date at the edge, a null)
                        if (writes) checksum = await ChecksumAsync();
                        continue;
                    }
                    refused++;
                    var body = await response.Content.ReadAsStringAsync(timeout.Token);
                    if (status >= 500)
                    {
                        serverErrors++;
                        serverFailures.Add($"{label}: {status} {Shorten(body)}");
                        failures.Add(serverFailures[^1]);
                    }
                    else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{label}: {status} as '{response.Content.Headers.ContentType}', not problem+json");
                    }
                    if (writes && await ChecksumAsync() is var now && Changed(checksum, now).Any())
                    {
                        failures.Add($"{label}: answered {status} but changed rows in {string.Join(", ", Changed(checksum, now))}");
                        checksum = now;
                    }
                }
            }
        }

        output.WriteLine($"{operations.Count} operations, {sent} requests in {clock.Elapsed.TotalSeconds:F1} s: " +
                         $"{refused} refused (4xx/5xx), {serverErrors} × 5xx, {accepted} accepted (2xx/3xx)");
        // The 5xx first: they are what this test exists for; then the rest, bounded.
        foreach (var failure in serverFailures.Concat(failures.Except(serverFailures).Take(40))) output.WriteLine(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed; first: {string.Join(" || ", failures.Take(10))}");
        Assert.True(sent > 1000, $"only {sent} requests were sent: the document walk found too little");
    }

    // ---- what is sent -------------------------------------------------------------------------------------------

    private static IEnumerable<Probe> Probes(string path, HttpMethod method, OpenApiOperation operation, Fixtures fixtures)
    {
        var parameters = (operation.Parameters ?? []).ToList();
        var values = parameters.Where(p => p.In is ParameterLocation.Path || p.Required)
            .ToDictionary(p => p.Name!, p => BaseValue(path, p, fixtures));
        var media = operation.RequestBody?.Content is { } bodies && bodies.TryGetValue("application/json", out var json) ? json : null;
        var body = media is null ? null : BaseBody(operation.OperationId, fixtures);

        Probe Make(string what, IReadOnlyDictionary<string, string> overrides, HttpContent? content, params (string, string)[] headers)
        {
            var url = new StringBuilder();
            var template = path;
            foreach (var p in parameters.Where(p => p.In is ParameterLocation.Path))
                template = template.Replace("{" + p.Name + "}", overrides.GetValueOrDefault(p.Name!) ?? Uri.EscapeDataString(values[p.Name!]));
            url.Append(template);
            var query = parameters.Where(p => p.In is ParameterLocation.Query)
                .SelectMany(p => overrides.TryGetValue(p.Name!, out var raw) ? [$"{p.Name}={raw}"]
                    : values.TryGetValue(p.Name!, out var value) ? [$"{p.Name}={Uri.EscapeDataString(value)}"] : Array.Empty<string>())
                .ToList();
            if (query.Count > 0) url.Append('?').Append(string.Join('&', query));
            return new Probe(what, method, url.ToString(), content ?? (body is null ? null : Json(body.ToJsonString())), headers);
        }

        var none = new Dictionary<string, string>();
        foreach (var parameter in parameters)
        {
            var name = parameter.Name!;
            var schema = parameter.Schema;
            switch (parameter.In)
            {
                case ParameterLocation.Path:
                    foreach (var raw in PathValues(schema)) yield return Make($"path {name}={Shorten(raw)}", new Dictionary<string, string> { [name] = raw }, null);
                    break;
                case ParameterLocation.Query:
                    foreach (var raw in QueryValues(schema, name)) yield return Make($"query {name}={Shorten(raw)}", new Dictionary<string, string> { [name] = raw }, null);
                    break;
                case ParameterLocation.Header:
                    foreach (var value in HeaderValues(name)) yield return Make($"header {name}: {Shorten(value)}", none, null, (name, value));
                    break;
            }
        }

        if (media?.Schema is not { } bodySchema || body is null) yield break;
        foreach (var (fieldPath, fieldSchema) in Fields(bodySchema, "", 0))
            foreach (var bad in BodyValues(fieldSchema))
            {
                // The value goes in as JSON text: escaped lone surrogates cannot pass through a JsonNode.
                var mutated = body.DeepClone();
                Set(mutated, fieldPath, JsonValue.Create(Marker));
                yield return Make($"body {fieldPath}={bad.Name}", none, Json(mutated.ToJsonString().Replace($"\"{Marker}\"", bad.Json, StringComparison.Ordinal)));
            }
        foreach (var (what, content) in BadBodies(body)) yield return Make(what, none, content);
    }

    private static string BaseValue(string path, IOpenApiParameter parameter, Fixtures f) => (path, parameter.Name) switch
    {
        (_, "baseAssetId") => f.Asset.ToString(),
        (_, "stageId") => f.Stage.ToString(),
        (_, "taskId") when path.StartsWith("/api/pipelines", StringComparison.Ordinal) => "fuzz-meshy-task",
        (_, "taskId") => "fuzz-retexture-task",
        (_, "id") when path.StartsWith("/api/assets", StringComparison.Ordinal) => f.Asset.ToString(),
        (_, "id") when path.StartsWith("/api/pipelines", StringComparison.Ordinal) => f.Pipeline.ToString(),
        (_, "id") when path.StartsWith("/api/variants", StringComparison.Ordinal) => f.Variant.ToString(),
        (_, "id") when path.StartsWith("/api/errors", StringComparison.Ordinal) => f.Error.ToString(),
        // A required cut-off: before any row exists, so the valid request itself deletes nothing.
        _ when parameter.Schema?.Format == "date-time" => "2000-01-01T00:00:00Z",
        _ => throw new InvalidOperationException($"No base value for the required parameter {parameter.Name} of {path}."),
    };

    /// <summary>A valid body per operation: each probe spoils one field of it, so the rest reaches the handler and its SQL.</summary>
    private static JsonNode BaseBody(string? operationId, Fixtures f) => JsonNode.Parse(operationId switch
    {
        "CreateAsset" => """{"name":"Fuzz","type":"model","metadata":{"k":"v"}}""",
        "CreatePipeline" => """{"config":{"k":"v"},"stages":[{"name":"mesh"}]}""",
        "CleanupPipelines" => """{"olderThan":"2000-01-01T00:00:00Z"}""",
        "UpdatePipelineProgress" => """{"progress":10}""",
        "UpdatePipelineStatus" => """{"status":"processing"}""",
        "UpdatePipelineStage" => """{"progress":10}""",
        "ReportError" => """{"endpoint":"/fuzz","method":"GET","message":"fuzz"}""",
        "ResolveError" => """{"resolution":"fuzzed"}""",
        "RebuildErrorAggregations" => """{"from":"2026-01-01T00:00:00Z","to":"2026-01-01T05:00:00Z"}""",
        "CreateVariant" => $$"""{"variantAssetId":"{{f.VariantAsset}}","presetId":"fuzz-2","presetName":"Fuzz 2"}""",
        "SetVariantOrder" => $$"""{"variantIds":["{{f.Variant}}"]}""",
        "UpdateVariant" => """{"displayOrder":1}""",
        "UpdateVariantStatus" => """{"status":"processing"}""",
        _ => throw new InvalidOperationException($"No base body for operation {operationId}: add one."),
    })!;

    /// <summary>Every field the schema describes, nested objects and the first item of arrays of objects included.</summary>
    private static IEnumerable<(string Path, IOpenApiSchema Schema)> Fields(IOpenApiSchema schema, string path, int depth)
    {
        if (depth > 4 || schema.Properties is not { Count: > 0 } properties) yield break;
        foreach (var (name, property) in properties)
        {
            var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
            yield return (fieldPath, property);
            foreach (var inner in Fields(property, fieldPath, depth + 1)) yield return inner;
            if (property.Items is { } items)
                foreach (var inner in Fields(items, fieldPath + "[0]", depth + 1)) yield return inner;
        }
    }

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var node = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var (name, index) = segments[i].EndsWith("[0]", StringComparison.Ordinal) ? (segments[i][..^3], 0) : (segments[i], -1);
            var last = i == segments.Length - 1;
            var obj = node.AsObject();
            if (index < 0)
            {
                if (last) { obj[name] = value; return; }
                node = obj[name] ??= new JsonObject();
                continue;
            }
            var array = (obj[name] as JsonArray) ?? (JsonArray)(obj[name] = new JsonArray());
            if (array.Count == 0) array.Add(new JsonObject());
            if (last) { array[0] = value; return; }
            node = array[0]!;
        }
    }

    private static string Nested(int depth, bool arrays) => arrays
        ? new string('[', depth) + "1" + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"d\":", depth)) + "1" + new string('}', depth);

    private const string Marker = "__fuzz_value__";

    private static (string Name, string Json) Raw(string name, string json) => (name, json);

    private static (string Name, string Json) Node(string name, JsonNode? value) => (name, value?.ToJsonString() ?? "null");

    private static IEnumerable<(string Name, string Json)> BodyValues(IOpenApiSchema schema)
    {
        var type = schema.Type ?? default;
        // Unpaired surrogates cannot live in a .NET string that JsonNode writes, so they go in as JSON escapes.
        yield return Node("NUL", JsonValue.Create("a\0b"));
        yield return Raw("lone low surrogate", "\"a\\udc00b\"");
        yield return Raw("lone high surrogate", "\"\\ud800\"");
        yield return Raw("reversed surrogates", "\"\\udc00\\ud800\"");
        yield return Node("huge string", JsonValue.Create(new string('x', 200_000)));
        yield return Node("true", JsonValue.Create(true));
        yield return Node("number", JsonValue.Create(12.5));
        yield return Raw("1e400", "1e400");
        yield return Raw("-1e400", "-1e400");
        yield return Raw("1e-20000", "1e-20000");
        yield return Raw("huge integer", "123456789012345678901234567890");
        yield return Node("empty object", new JsonObject());
        yield return Node("empty array", new JsonArray());
        yield return Node("null", null);
        yield return Raw("surrogate deep in an object", """{"a":{"b":["ok","\udc00"]}}""");
        yield return Raw("surrogate in a property name", """{"\ud800":1}""");
        yield return Raw("NUL deep in an object", """{"a":[{"b":"\u0000"}]}""");
        yield return Raw("NUL in a property name", """{"a\u0000":1}""");
        yield return Raw("too precise deep in an object", """{"a":[1e-20000]}""");
        yield return Raw("nested 40 deep", Nested(40, arrays: false));
        yield return Raw("nested 100 deep", Nested(100, arrays: true));
        yield return Raw("array of surrogates", """["\udc00"]""");
        if (schema.MaxLength is { } max) yield return Node($"maxLength+1 ({max + 1})", JsonValue.Create(new string('y', max + 1)));
        if (schema.MinLength is > 0 and var min) yield return Node($"minLength-1 ({min - 1})", JsonValue.Create(new string('y', min - 1)));
        if (schema.Format == "uuid")
        {
            yield return Node("not a uuid", JsonValue.Create("not-a-uuid"));
            yield return Node("empty uuid", JsonValue.Create("00000000-0000-0000-0000-000000000000"));
            yield return Node("unknown uuid", JsonValue.Create("7f6c0e63-1b1d-4a53-9a2b-0c0ffee00000"));
        }
        if (schema.Format == "date-time")
            foreach (var date in EdgeDates) yield return Node($"date {date}", JsonValue.Create(date));
        if (schema.Enum is { Count: > 0 } labels)
        {
            yield return Node("not a label", JsonValue.Create("not-a-label"));
            if (labels.FirstOrDefault(l => l is not null)?.ToString() is { } label) yield return Node("label in capitals", JsonValue.Create(label.ToUpperInvariant()));
        }
        if (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
        {
            yield return Node("numeric string", JsonValue.Create("5"));
            yield return Raw("int32 max+1", "2147483648");
            yield return Raw("int32 min-1", "-2147483649");
            if (Bound(schema.Minimum) is { } low) yield return Raw($"minimum-1 ({low - 1})", (low - 1).ToString(CultureInfo.InvariantCulture));
            if (Bound(schema.Maximum) is { } high) yield return Raw($"maximum+1 ({high + 1})", (high + 1).ToString(CultureInfo.InvariantCulture));
        }
        if (type.HasFlag(JsonSchemaType.Boolean)) yield return Node("boolean string", JsonValue.Create("true"));
        if (type.HasFlag(JsonSchemaType.Array))
        {
            yield return Node("1000 items", new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode?)JsonValue.Create($"item-{i}")).ToArray()));
            yield return Node("array of nulls", new JsonArray(null, null));
            if (schema.MaxItems is { } maxItems) yield return Node($"maxItems+1 ({maxItems + 1})", new JsonArray(Enumerable.Range(0, maxItems + 1).Select(_ => (JsonNode?)new JsonObject()).ToArray()));
        }
    }

    private static readonly string[] EdgeDates =
    [
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "0001-01-01T20:00:00-05:00", "9999-12-31T23:59:59.9999999Z",
        "9999-12-31T23:30:00Z", "9999-12-31T23:59:59-01:00", "10000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "yesterday", "",
    ];

    private static decimal? Bound(object? value) =>
        decimal.TryParse(value?.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) ? bound : null;

    private static IEnumerable<string> PathValues(IOpenApiSchema? schema)
    {
        yield return "not-a-uuid";
        yield return "00000000-0000-0000-0000-000000000000";
        yield return "7f6c0e63-1b1d-4a53-9a2b-0c0ffee00000"; // well-formed, no such row
        yield return "%ED%B0%80"; // an unpaired surrogate as UTF-8 (CESU), which is not UTF-8
        yield return "%FF%FE";
        yield return "a%20b%2Fc";
        yield return new string('9', 3000);
        yield return "1e400";
        if (schema?.Format == "uuid") yield return "{7f6c0e63-1b1d-4a53-9a2b-0c0ffee00000}";
    }

    private static IEnumerable<string> QueryValues(IOpenApiSchema? schema, string name)
    {
        yield return "%00";
        yield return "a%00b";
        yield return "%ED%B0%80";
        yield return new string('q', 5000);
        var type = schema?.Type ?? default;
        var item = schema?.Items ?? schema;
        if (type.HasFlag(JsonSchemaType.Integer))
        {
            foreach (var v in new[] { "ten", "1.5", "2147483648", "-2147483649", "1e3", "" }) yield return v;
            if (Bound(schema!.Minimum) is { } low) yield return (low - 1).ToString(CultureInfo.InvariantCulture);
            if (Bound(schema.Maximum) is { } high) yield return (high + 1).ToString(CultureInfo.InvariantCulture);
        }
        if (type.HasFlag(JsonSchemaType.Boolean)) yield return "maybe";
        if (schema?.Format == "uuid") yield return "not-a-uuid";
        if (schema?.Format == "date-time")
            foreach (var date in EdgeDates) yield return Uri.EscapeDataString(date);
        if (item?.Enum is { Count: > 0 } labels)
        {
            yield return "not-a-label";
            yield return $"{labels.First(l => l is not null)}&{name}=not-a-label";
        }
    }

    private static IEnumerable<string> HeaderValues(string name)
    {
        yield return "garbage";
        yield return "\"unterminated";
        yield return "W/\"1\"";
        yield return "\"1\", \"2\", *";
        yield return "\"" + new string('9', 30) + "\""; // beyond uint and long
        yield return new string('k', 4000);
        yield return "é-not-ascii";
        if (name == "Idempotency-Key") yield return new string('k', 256);
    }

    private static IEnumerable<(string What, HttpContent Content)> BadBodies(JsonNode body)
    {
        var valid = body.ToJsonString();
        yield return ("content-type text/plain", new StringContent(valid, Encoding.UTF8, "text/plain"));
        yield return ("content-type application/xml", new StringContent("<config/>", Encoding.UTF8, "application/xml"));
        yield return ("content-type form", new FormUrlEncodedContent([new("config", "x")]));
        yield return ("no content type", new ByteArrayContent(Encoding.UTF8.GetBytes(valid)));
        yield return ("empty body", Json(""));
        yield return ("broken JSON", Json("{"));
        yield return ("JSON array", Json("[]"));
        yield return ("JSON string", Json("\"x\""));
        yield return ("JSON null", Json("null"));
        yield return ("nested 100 deep", Json(Nested(100, arrays: true)));
        yield return ("unknown property", Json(valid.Insert(1, "\"fuzzUnknown\":1,")));
        yield return ("surrogate property name", Json(valid.Insert(1, "\"\\udc00\":1,")));
        yield return ("NUL property name", Json(valid.Insert(1, "\"\\u0000\":1,")));
        yield return ("invalid UTF-8", new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'])
        { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        yield return ("larger than the limit", Json("{\"x\":\"" + new string('x', 300 * 1024) + "\"}"));
    }

    private static StringContent Json(string json) => Http.Json(json);

    private static string Shorten(string s) => s.Length <= 160 ? s : s[..160] + $"…({s.Length})";

    // ---- the rows it must not change ----------------------------------------------------------------------------

    private static async Task<Fixtures> ArrangeAsync(TestUser admin)
    {
        async Task<System.Text.Json.JsonElement> Create(string url, string json) =>
            await (await admin.Client.PostAsync(url, Http.Json(json))).AssertStatusAsync(System.Net.HttpStatusCode.Created);

        var asset = (await Create("/api/assets", """{"name":"Fuzz base","type":"model","isBaseModel":true}""")).GetProperty("id").GetGuid();
        var variantAsset = (await Create("/api/assets", """{"name":"Fuzz variant","type":"model"}""")).GetProperty("id").GetGuid();
        var variant = (await Create($"/api/assets/{asset}/variants",
            $$"""{"variantAssetId":"{{variantAsset}}","presetId":"fuzz","presetName":"Fuzz","retextureTaskId":"fuzz-retexture-task"}""")).GetProperty("id").GetGuid();
        var pipeline = await Create("/api/pipelines", $$"""{"config":{},"stages":[{"name":"mesh"}],"meshyTaskId":"fuzz-meshy-task","assetId":"{{asset}}"}""");
        var error = (await Create("/api/errors", """{"endpoint":"/fuzz","method":"GET","message":"fuzz fixture"}""")).GetProperty("id").GetGuid();
        return new Fixtures(asset, variantAsset, variant, pipeline.GetProperty("id").GetGuid(),
            pipeline.GetProperty("stages")[0].GetProperty("id").GetGuid(), error);
    }

    private string? _checksumSql;

    /// <summary>A digest per table of every row's text, so a failure can say which tables changed.</summary>
    private async Task<Dictionary<string, string>> ChecksumAsync()
    {
        await using var connection = await factory.Db.OpenConnectionAsync();
        if (_checksumSql is null)
        {
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            _checksumSql = string.Join(" UNION ALL ", tables.Select(t =>
                $"SELECT '{t}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM \"{t}\" r"));
        }
        var sums = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand(_checksumSql, connection);
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync()) sums[rows.GetString(0)] = rows.GetString(1);
        return sums;
    }

    private static IEnumerable<string> Changed(Dictionary<string, string> before, Dictionary<string, string> after) =>
        after.Where(p => before.GetValueOrDefault(p.Key) != p.Value).Select(p => p.Key);
}
