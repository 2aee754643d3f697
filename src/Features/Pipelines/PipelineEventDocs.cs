using System.Text.Json.Nodes;
using AssetForge.Infrastructure.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AssetForge.Features.Pipelines;

/// <summary>
/// The OpenAPI description of the event streams: the framework only knows their data is bytes, so each route names
/// its events (the SSE `event:` field) and the JSON schema of each one's `data`, as a oneOf of event objects.
/// </summary>
internal static class PipelineEventDocs
{
    public sealed record Event(string Name, Type Data, string Description, bool HasId);

    public static readonly Event[] Single =
    [
        new(PipelineEvent.Snapshot, typeof(Pipeline), "First event (and after the server lost its database notifications): the pipeline exactly as GET /api/pipelines/{id} answers it.", true),
        new(PipelineEvent.Update, typeof(Pipeline), "The pipeline after a change by anyone; also the first event of a Last-Event-ID reconnect when it moved since. On a final status it is the last event.", true),
        new(PipelineEvent.Deleted, typeof(PipelineDeleted), "The pipeline was deleted (or is no longer visible to the caller); the stream ends.", false),
    ];

    public static readonly Event[] List =
    [
        new(PipelineEvent.Snapshot, typeof(CursorPage<PipelineSummary>), "First event (and after the server lost its database notifications): the first page exactly as GET /api/pipelines with the same status and userId answers it.", false),
        new(PipelineEvent.Update, typeof(PipelineSummary), "A pipeline in scope changed (or entered or left the statuses asked for): its list item. A change made just before the stream opened may arrive once more, restating what the snapshot shows.", false),
        new(PipelineEvent.Deleted, typeof(PipelineDeleted), "A pipeline in scope was deleted (or handed to another user).", false),
    ];

    public static RouteHandlerBuilder DescribeEvents(this RouteHandlerBuilder builder, Event[] events) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            if (operation.Responses?.TryGetValue("200", out var found) != true || found is not OpenApiResponse ok) return;
            var document = context.Document!;
            var variants = new List<IOpenApiSchema>();
            foreach (var e in events)
            {
                variants.Add(Variant(e, await ReferenceAsync(context, document, e.Data, ct)));
            }
            ok.Description = "A text/event-stream of the events below (SSE `event:` names them, `data:` is their JSON), " +
                             "with a `retry:` hint first and a comment heartbeat every Pipelines:Events:HeartbeatSeconds (15 s by default) " +
                             "while no event is waiting, so an open stream is never silent for longer.";
            ok.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["text/event-stream"] = new()
                {
                    Schema = new OpenApiSchema { OneOf = variants },
                    // WithExample's answer: one event as the schema above describes it.
                    Example = context.Description.ActionDescriptor.EndpointMetadata.OfType<ExampleMetadata>().FirstOrDefault() is { } example
                        ? JsonNode.Parse(example.Response)
                        : null,
                },
            };
        });

    private static OpenApiSchema Variant(Event e, IOpenApiSchema data)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["event"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(e.Name)], Description = "The SSE `event:` field." },
            ["data"] = data,
        };
        if (e.HasId)
            properties["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The pipeline's version (its ETag without quotes); send it back as Last-Event-ID." };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = e.Name,
            Description = e.Description,
            Properties = properties,
            Required = new HashSet<string>(e.HasId ? ["event", "data", "id"] : ["event", "data"]),
        };
    }

    private static async Task<IOpenApiSchema> ReferenceAsync(OpenApiOperationTransformerContext context, OpenApiDocument document,
        Type type, CancellationToken ct)
    {
        var name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`')] + "Of" + string.Join("And", type.GetGenericArguments().Select(a => a.Name)) : type.Name;
        if (document.Components?.Schemas?.ContainsKey(name) != true)
            document.AddComponent<IOpenApiSchema>(name, await context.GetOrCreateSchemaAsync(type, null, ct));
        return new OpenApiSchemaReference(name, document);
    }
}
