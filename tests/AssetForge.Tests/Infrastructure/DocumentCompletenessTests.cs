using AssetForge.Tests.Support;
using Microsoft.OpenApi;

namespace AssetForge.Tests.Infrastructure;

/// <summary>
/// The served document is what frontend teams read: every operation says what it does and shows a request and an
/// answer that work, every field says what it holds. Each example must match its own schema, so an example cannot
/// drift from the contract either.
/// </summary>
public sealed class DocumentCompletenessTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<ContractDocument> DocumentAsync()
    {
        _ = factory.Server; // starts the host
        return await ContractDocument.LoadAsync(factory.Services);
    }

    private static IEnumerable<(string Name, OpenApiOperation Operation)> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => ($"{o.Key.Method} {p.Key}", o.Value)));

    [Fact]
    public async Task Every_operation_has_a_description_of_its_own()
    {
        var document = (await DocumentAsync()).Document;
        var missing = Operations(document)
            .Where(o => string.IsNullOrWhiteSpace(o.Operation.Description) || o.Operation.Description == o.Operation.Summary)
            .Select(o => o.Name).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} operations without a description: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Every_request_body_and_success_answer_has_an_example_that_matches_its_schema()
    {
        var contract = await DocumentAsync();
        var problems = new List<string>();
        foreach (var (name, operation) in Operations(contract.Document))
        {
            var bodies = (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>()).Select(c => ("request " + c.Key, c.Value));
            var answers = (operation.Responses ?? new OpenApiResponses()).Where(r => r.Key[0] == '2')
                .SelectMany(r => (r.Value.Content ?? new Dictionary<string, OpenApiMediaType>()).Select(c => ($"{r.Key} {c.Key}", c.Value)));
            foreach (var (what, media) in bodies.Concat(answers))
            {
                var examples = (media.Example is null ? [] : new[] { media.Example })
                    .Concat((media.Examples ?? new Dictionary<string, IOpenApiExample>()).Values.Select(e => e.Value)).ToList();
                if (examples.Count == 0) problems.Add($"{name}: {what} has no example");
                foreach (var example in examples)
                    if (media.Schema is not null && contract.Mismatches(media.Schema, example) is { Count: > 0 } wrong)
                        problems.Add($"{name}: the {what} example does not match its schema: {string.Join(" | ", wrong)}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public async Task Every_schema_property_and_parameter_has_a_description()
    {
        var document = (await DocumentAsync()).Document;
        var missing = new List<string>();
        foreach (var (schemaName, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            foreach (var (property, value) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                if (string.IsNullOrWhiteSpace(value.Description))
                    missing.Add($"{schemaName}.{property}");
        foreach (var (name, operation) in Operations(document))
            foreach (var parameter in operation.Parameters ?? [])
                if (string.IsNullOrWhiteSpace(parameter.Description) || parameter.Description == $"The {parameter.Name} value.")
                    missing.Add($"{name} parameter {parameter.Name}");
        Assert.True(missing.Count == 0, $"{missing.Count} without a description: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task The_validators_bounds_are_stated_in_the_request_schemas()
    {
        var schemas = (await DocumentAsync()).Document.Components!.Schemas!;
        IOpenApiSchema Property(string schema, string name) => schemas[schema].Properties![name];

        var progress = Property("UpdatePipelineProgressRequest", "progress");
        Assert.Equal(("0", "100"), (progress.Minimum, progress.Maximum));
        Assert.False(progress.Type!.Value.HasFlag(JsonSchemaType.Null)); // NotNull: required and not nullable
        Assert.Contains("progress", schemas["UpdatePipelineProgressRequest"].Required!);
        var stages = Property("CreatePipelineRequest", "stages");
        Assert.Equal((1, 20), (stages.MinItems, stages.MaxItems));
        Assert.Equal((1, 100), (Property("CreatePipelineStage", "name").MinLength, Property("CreatePipelineStage", "name").MaxLength));
        Assert.Equal(("100", "599"), (Property("ReportErrorRequest", "statusCode").Minimum, Property("ReportErrorRequest", "statusCode").Maximum));
        var tags = Property("ReportErrorRequest", "tags");
        Assert.Equal(20, tags.MaxItems);
        Assert.Equal((1, 64), (tags.Items!.MinLength, tags.Items.MaxLength));
        Assert.Equal(512, Property("ReportErrorRequest", "endpoint").MaxLength);
        Assert.Equal(1000, Property("SetVariantOrderRequest", "variantIds").MaxItems);
        Assert.Equal(255, Property("CreateVariantRequest", "presetName").MaxLength);
    }
}
