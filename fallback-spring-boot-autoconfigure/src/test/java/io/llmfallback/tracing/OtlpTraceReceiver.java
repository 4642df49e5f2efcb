package io.llmfallback.tracing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A real OTLP/HTTP trace receiver on loopback: it accepts {@code POST /v1/traces} with an
 * {@code application/x-protobuf} body, decodes it with the opentelemetry-proto classes,
 * answers 200 with an empty {@link ExportTraceServiceResponse}, and keeps every span it
 * was sent.
 */
final class OtlpTraceReceiver implements AutoCloseable {

	static final String TRACES_PATH = "/v1/traces";

	private final HttpServer server;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "otlp-trace-receiver");
		thread.setDaemon(true);
		return thread;
	});

	private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

	private final List<String> rejected = new CopyOnWriteArrayList<>();

	private OtlpTraceReceiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	static OtlpTraceReceiver start() {
		try {
			return new OtlpTraceReceiver();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start the OTLP receiver", ex);
		}
	}

	/** The value for {@code management.opentelemetry.tracing.export.otlp.endpoint}. */
	String tracesEndpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + TRACES_PATH;
	}

	/** Every span received so far, in arrival order. */
	List<ReceivedSpan> spans() {
		return List.copyOf(this.spans);
	}

	/** The spans received so far of one trace (lower-case hex trace id). */
	List<ReceivedSpan> trace(String traceId) {
		return this.spans.stream().filter((span) -> span.traceId().equals(traceId)).toList();
	}

	/** The one span of the trace with that name, if it has arrived. */
	Optional<ReceivedSpan> span(String traceId, String name) {
		List<ReceivedSpan> named = trace(traceId).stream().filter((span) -> span.name().equals(name)).toList();
		if (named.size() > 1) {
			throw new AssertionError("More than one span named '" + name + "' in trace " + traceId + ": " + named);
		}
		return named.stream().findFirst();
	}

	/**
	 * Requests the receiver turned down (wrong path, method, content type or an
	 * undecodable body).
	 */
	List<String> rejected() {
		return List.copyOf(this.rejected);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
			if (!"POST".equals(method) || !TRACES_PATH.equals(path)) {
				reject(exchange, 404, method + " " + path);
				return;
			}
			if (!contentType.startsWith("application/x-protobuf")) {
				reject(exchange, 415, "content type " + contentType);
				return;
			}
			ExportTraceServiceRequest request;
			try (InputStream body = decoded(exchange)) {
				request = ExportTraceServiceRequest.parseFrom(body);
			}
			catch (IOException ex) {
				reject(exchange, 400, "undecodable body: " + ex);
				return;
			}
			for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
				Map<String, String> resource = attributes(resourceSpans.getResource());
				for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
					for (Span span : scopeSpans.getSpansList()) {
						this.spans.add(ReceivedSpan.of(resource, scopeSpans.getScope().getName(), span));
					}
				}
			}
			byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
			exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, (response.length == 0) ? -1 : response.length);
			if (response.length > 0) {
				exchange.getResponseBody().write(response);
			}
		}
	}

	private static InputStream decoded(HttpExchange exchange) throws IOException {
		String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
		InputStream body = exchange.getRequestBody();
		return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(body) : body;
	}

	private void reject(HttpExchange exchange, int status, String why) throws IOException {
		this.rejected.add(why);
		exchange.getRequestBody().readAllBytes();
		exchange.sendResponseHeaders(status, -1);
	}

	private static Map<String, String> attributes(Resource resource) {
		return decode(resource.getAttributesList());
	}

	static Map<String, String> decode(List<KeyValue> keyValues) {
		Map<String, String> attributes = new LinkedHashMap<>();
		keyValues.forEach((keyValue) -> attributes.put(keyValue.getKey(), text(keyValue.getValue())));
		return attributes;
	}

	private static String text(AnyValue value) {
		return switch (value.getValueCase()) {
			case STRING_VALUE -> value.getStringValue();
			case BOOL_VALUE -> String.valueOf(value.getBoolValue());
			case INT_VALUE -> String.valueOf(value.getIntValue());
			case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
			case BYTES_VALUE -> hex(value.getBytesValue());
			case ARRAY_VALUE -> value.getArrayValue()
				.getValuesList()
				.stream()
				.map(OtlpTraceReceiver::text)
				.collect(Collectors.joining(",", "[", "]"));
			case KVLIST_VALUE -> decode(value.getKvlistValue().getValuesList()).toString();
			case VALUE_NOT_SET -> "";
		};
	}

	static String hex(ByteString bytes) {
		return HexFormat.of().formatHex(bytes.toByteArray());
	}

	/**
	 * One span as the receiver decoded it; ids are lower-case hex, an absent parent is
	 * {@code ""}.
	 */
	record ReceivedSpan(Map<String, String> resource, String scope, String traceId, String spanId, String parentSpanId,
			String name, Span.SpanKind kind, long startNanos, long endNanos, Map<String, String> attributes,
			List<ReceivedEvent> events, String statusCode, String statusMessage) {

		static ReceivedSpan of(Map<String, String> resource, String scope, Span span) {
			List<ReceivedEvent> events = new ArrayList<>();
			span.getEventsList()
				.forEach((event) -> events.add(new ReceivedEvent(event.getName(), decode(event.getAttributesList()))));
			return new ReceivedSpan(Map.copyOf(resource), scope, hex(span.getTraceId()), hex(span.getSpanId()),
					hex(span.getParentSpanId()), span.getName(), span.getKind(), span.getStartTimeUnixNano(),
					span.getEndTimeUnixNano(), decode(span.getAttributesList()), List.copyOf(events),
					span.getStatus().getCode().name(), span.getStatus().getMessage());
		}

		/**
		 * Everything a reader of the span sees as text: name, attributes, events, status
		 * message.
		 */
		List<String> allText() {
			List<String> text = new ArrayList<>();
			text.add(this.name);
			this.attributes.forEach((key, value) -> {
				text.add(key);
				text.add(value);
			});
			for (ReceivedEvent event : this.events) {
				text.add(event.name());
				event.attributes().forEach((key, value) -> {
					text.add(key);
					text.add(value);
				});
			}
			text.add(this.statusMessage);
			return text;
		}

	}

	record ReceivedEvent(String name, Map<String, String> attributes) {
	}

}
