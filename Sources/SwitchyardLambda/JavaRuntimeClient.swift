/// The Java runtime client Switchyard runs `java*` functions with (AWS's own,
/// `aws-lambda-java-runtime-interface-client`, comes from Maven Central, which a machine without
/// that registry cannot reach), compiled once with the machine's `javac`. It follows the Lambda
/// developer guide's handler contract for Java: `package.Class::method` or `package.Class` (a
/// `RequestHandler` or `RequestStreamHandler`, or a public `handleRequest`); the event is converted
/// to the method's first parameter (maps, lists, strings, numbers, booleans, arrays, enums, and
/// beans filled through setters or fields matched in any case), the `Context` and `LambdaLogger`
/// the function's own `aws-lambda-java-core` declares are provided, and a thrown exception is
/// answered as `{"errorMessage", "errorType": "<class>", "stackTrace", "cause"}`, as AWS answers it.
/// Jars under the task root's `lib/` and the layers' `java/lib/` are on the class path. The Context
/// and LambdaLogger handlers get are classes of Switchyard's, compiled against the interfaces
/// aws-lambda-java-core publishes and defined at run time under the function's class loader, so
/// that they implement the function's own copy of those interfaces (and libraries that print the
/// context by reflection, as Gson does, see plain fields).
enum JavaRuntimeClient {
    static let className = "SwitchyardJavaRuntime"
    /// A new client source gets a new directory.
    static let directoryName = "java-client-5"
    /// Where the Context and LambdaLogger classes are, under the client's directory.
    static let contextDirectory = "context"

    /// The runtime client, compiled onto the JVM's class path.
    static let source = #"""
        import java.io.ByteArrayInputStream;
        import java.io.ByteArrayOutputStream;
        import java.io.File;
        import java.io.InputStream;
        import java.io.OutputStream;
        import java.lang.reflect.Array;
        import java.lang.reflect.Constructor;
        import java.lang.reflect.Field;
        import java.lang.reflect.GenericArrayType;
        import java.lang.reflect.InvocationTargetException;
        import java.lang.reflect.Method;
        import java.lang.reflect.Modifier;
        import java.lang.reflect.ParameterizedType;
        import java.lang.reflect.Type;
        import java.lang.reflect.TypeVariable;
        import java.math.BigDecimal;
        import java.math.BigInteger;
        import java.net.URI;
        import java.net.URL;
        import java.net.URLClassLoader;
        import java.net.http.HttpClient;
        import java.net.http.HttpRequest;
        import java.net.http.HttpResponse;
        import java.nio.charset.StandardCharsets;
        import java.util.ArrayList;
        import java.util.Collection;
        import java.util.LinkedHashMap;
        import java.util.LinkedHashSet;
        import java.util.List;
        import java.util.Map;
        import java.util.Set;

        /** Switchyard's runtime client for Lambda's java* runtimes: loads the handler, polls the Runtime API. */
        public final class SwitchyardJavaRuntime {
            static final String CORE = "com.amazonaws.services.lambda.runtime.";
            // HTTP/1.1: the default client offers an h2c upgrade with every request, which the Runtime API
        // (HTTP/1.1, as on AWS) does not take.
        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            static String api;

            public static void main(String[] args) throws Exception {
                api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
                String spec = args.length > 0 ? args[0] : System.getenv("_HANDLER");
                Handler handler;
                try {
                    handler = Handler.load(spec, classLoader());
                } catch (Throwable error) {
                    Throwable cause = unwrap(error);
                    cause.printStackTrace(System.out);
                    post("/init/error", Json.write(document(cause)), "Unhandled");
                    System.exit(1);
                    return;
                }
                while (true) {
                    HttpResponse<byte[]> next = HTTP.send(
                        HttpRequest.newBuilder(URI.create(api + "/invocation/next")).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                    String requestId = next.headers().firstValue("lambda-runtime-aws-request-id").orElse("");
                    next.headers().firstValue("lambda-runtime-trace-id")
                        .ifPresent(trace -> System.setProperty("com.amazonaws.xray.traceHeader", trace));
                    Invocation invocation = new Invocation(
                        requestId, next.headers().firstValue("lambda-runtime-invoked-function-arn").orElse(""),
                        Long.parseLong(next.headers().firstValue("lambda-runtime-deadline-ms").orElse("0")));
                    try {
                        byte[] answer = handler.invoke(next.body(), invocation);
                        post("/invocation/" + requestId + "/response", answer, null);
                    } catch (Throwable error) {
                        Throwable cause = unwrap(error);
                        cause.printStackTrace(System.out);
                        post("/invocation/" + requestId + "/error", Json.write(document(cause)), "Unhandled");
                        if (cause instanceof VirtualMachineError) System.exit(1);
                    }
                }
            }

            /** The function's code and its layers: classes at the task root, jars in its lib/ and each layer's java/lib/. */
            static ClassLoader classLoader() throws Exception {
                List<URL> urls = new ArrayList<>();
                String root = System.getenv().getOrDefault("LAMBDA_TASK_ROOT", ".");
                urls.add(new File(root).toURI().toURL());
                addJars(urls, new File(root, "lib"));
                List<String> layers = new ArrayList<>(List.of("/opt"));
                String extra = System.getenv("SWITCHYARD_LAMBDA_LAYERS");
                if (extra != null && !extra.isEmpty()) layers.addAll(List.of(extra.split(":")));
                for (String layer : layers) addJars(urls, new File(layer, "java/lib"));
                ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getSystemClassLoader());
                Thread.currentThread().setContextClassLoader(loader);
                return loader;
            }

            static void addJars(List<URL> urls, File directory) throws Exception {
                File[] jars = directory.listFiles((dir, name) -> name.endsWith(".jar"));
                if (jars == null) return;
                java.util.Arrays.sort(jars);
                for (File jar : jars) urls.add(jar.toURI().toURL());
            }

            static Throwable unwrap(Throwable error) {
                while ((error instanceof InvocationTargetException || error instanceof ExceptionInInitializerError)
                        && error.getCause() != null) {
                    error = error.getCause();
                }
                return error;
            }

            /** AWS's error document: message, class, the frames up to the runtime's own, and the cause's document. */
            static Map<String, Object> document(Throwable error) {
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("errorMessage", error.getMessage());
                document.put("errorType", error.getClass().getName());
                List<String> frames = new ArrayList<>();
                for (StackTraceElement frame : error.getStackTrace()) {
                    String type = frame.getClassName();
                    if (type.startsWith("jdk.internal.reflect.") || type.startsWith("java.lang.reflect.")
                            || type.startsWith("SwitchyardJavaRuntime")) break;
                    frames.add(type + "." + frame.getMethodName() + "("
                            + (frame.getFileName() == null ? "Unknown Source"
                                : frame.getFileName() + (frame.getLineNumber() >= 0 ? ":" + frame.getLineNumber() : ""))
                            + ")");
                }
                document.put("stackTrace", frames);
                if (error.getCause() != null && error.getCause() != error) document.put("cause", document(error.getCause()));
                return document;
            }

            static void post(String path, byte[] body, String errorType) throws Exception {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
                if (errorType != null) request.header("Lambda-Runtime-Function-Error-Type", errorType);
                HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
            }

            static void post(String path, String body, String errorType) throws Exception {
                post(path, body.getBytes(StandardCharsets.UTF_8), errorType);
            }

            record Invocation(String requestId, String functionArn, long deadline) {}

            /** A resolved handler: the object (or null for a static method), the method and how it takes its arguments. */
            static final class Handler {
                final Object target;
                final Method method;
                final boolean streaming;
                final Type input;
                final ClassLoader loader;
                Constructor<?> contextConstructor;

                Handler(Object target, Method method, boolean streaming, Type input, ClassLoader loader) {
                    this.target = target;
                    this.method = method;
                    this.streaming = streaming;
                    this.input = input;
                    this.loader = loader;
                }

                static Handler load(String spec, ClassLoader loader) throws Exception {
                    String className = spec;
                    String methodName = null;
                    int separator = spec.indexOf("::");
                    if (separator >= 0) {
                        className = spec.substring(0, separator);
                        methodName = spec.substring(separator + 2);
                    }
                    Class<?> type;
                    try {
                        type = Class.forName(className, true, loader);
                    } catch (ClassNotFoundException missing) {
                        throw new ClassNotFoundException("Class not found: " + className, missing);
                    }
                    Method chosen = null;
                    boolean streaming = false;
                    if (methodName == null && implementsNamed(type, CORE + "RequestStreamHandler")) {
                        chosen = find(type, "handleRequest", 3, true);
                        streaming = true;
                    } else {
                        String name = methodName == null ? "handleRequest" : methodName;
                        chosen = find(type, name, -1, false);
                        if (chosen == null) {
                            throw new NoSuchMethodException("No public method named " + name + " with appropriate method signature found on " + type);
                        }
                        Class<?>[] parameters = chosen.getParameterTypes();
                        streaming = parameters.length >= 2 && InputStream.class.isAssignableFrom(parameters[0])
                            && OutputStream.class.isAssignableFrom(parameters[1]);
                    }
                    if (chosen == null) throw new NoSuchMethodException("No handleRequest method found on " + type);
                    chosen.setAccessible(true);
                    Object target = null;
                    if (!Modifier.isStatic(chosen.getModifiers())) {
                        Constructor<?> constructor = type.getDeclaredConstructor();
                        constructor.setAccessible(true);
                        target = constructor.newInstance();
                    }
                    Type input = chosen.getParameterCount() == 0 || streaming ? null : inputType(type, chosen);
                    return new Handler(target, chosen, streaming, input, loader);
                }

                static boolean implementsNamed(Class<?> type, String name) {
                    for (Class<?> at = type; at != null; at = at.getSuperclass()) {
                        for (Class<?> face : at.getInterfaces()) {
                            if (face.getName().equals(name) || implementsNamed(face, name)) return true;
                        }
                    }
                    return false;
                }

                /** The public method of that name with the most parameters, not a compiler-made bridge. */
                static Method find(Class<?> type, String name, int parameters, boolean streaming) {
                    Method best = null;
                    for (Method method : type.getMethods()) {
                        if (!method.getName().equals(name) || method.isBridge() || method.getParameterCount() > 3) continue;
                        if (parameters >= 0 && method.getParameterCount() != parameters) continue;
                        if (best == null || method.getParameterCount() > best.getParameterCount()) best = method;
                    }
                    return best;
                }

                /** The event's type: the method's first parameter, resolved through RequestHandler's type argument. */
                static Type inputType(Class<?> type, Method method) {
                    Type declared = method.getGenericParameterTypes()[0];
                    if (!(declared instanceof TypeVariable<?>)) return declared;
                    // A generic base class's method (`handleRequest(T input, ...)` in `Base<T>`): T as the handler
                    // class binds it, through its superclasses and interfaces.
                    Map<TypeVariable<?>, Type> bindings = new java.util.HashMap<>();
                    bind(type, bindings);
                    Type resolved = declared;
                    for (int hops = 0; resolved instanceof TypeVariable<?> && bindings.containsKey(resolved) && hops < 32; hops++) {
                        resolved = bindings.get(resolved);
                    }
                    return resolved instanceof TypeVariable<?> ? Object.class : resolved;
                }

                /** Each type variable of the class's supertypes, bound to the type argument the hierarchy gives it. */
                static void bind(Type type, Map<TypeVariable<?>, Type> bindings) {
                    Class<?> raw = Json.rawClass(type);
                    if (raw == Object.class) return;
                    if (type instanceof ParameterizedType) {
                        TypeVariable<?>[] variables = raw.getTypeParameters();
                        Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
                        for (int i = 0; i < variables.length && i < arguments.length; i++) bindings.put(variables[i], arguments[i]);
                    }
                    if (raw.getGenericSuperclass() != null) bind(raw.getGenericSuperclass(), bindings);
                    for (Type face : raw.getGenericInterfaces()) bind(face, bindings);
                }

                byte[] invoke(byte[] payload, Invocation invocation) throws Throwable {
                    Class<?>[] parameters = method.getParameterTypes();
                    Object[] arguments = new Object[parameters.length];
                    ByteArrayOutputStream output = new ByteArrayOutputStream();
                    int next = 0;
                    if (streaming) {
                        arguments[0] = new ByteArrayInputStream(payload);
                        arguments[1] = output;
                        next = 2;
                    } else if (parameters.length > 0 && !parameters[0].getName().equals(CORE + "Context")) {
                        Object event = Json.parse(new String(payload, StandardCharsets.UTF_8));
                        arguments[0] = Json.convert(event, input);
                        next = 1;
                    }
                    if (next < parameters.length) arguments[next] = context(invocation, parameters[next]);
                    Object result = method.invoke(target, arguments);
                    if (streaming) return output.toByteArray();
                    if (method.getReturnType() == void.class) return "null".getBytes(StandardCharsets.UTF_8);
                    return Json.write(result).getBytes(StandardCharsets.UTF_8);
                }

                /**
                 * A Context for the invocation, if the method takes the function's own Context: an instance
                 * of SwitchyardLambdaContext, linked against the function's aws-lambda-java-core.
                 */
                Object context(Invocation invocation, Class<?> contextType) throws Exception {
                    if (contextConstructor == null) {
                        Class<?> implementation = new ContextLoader(loader).loadClass("SwitchyardLambdaContext");
                        contextConstructor = implementation.getConstructor(String.class, String.class, long.class);
                    }
                    if (!contextType.isAssignableFrom(contextConstructor.getDeclaringClass())) return null;
                    return contextConstructor.newInstance(invocation.requestId(), invocation.functionArn(), invocation.deadline());
                }
            }

            /**
             * Defines Switchyard's Context and LambdaLogger classes (compiled apart, in the client's context/
             * directory) under the function's class loader, so that the interfaces they implement are the
             * ones the function's own aws-lambda-java-core declares. Every other class is the function's.
             */
            static final class ContextLoader extends ClassLoader {
                ContextLoader(ClassLoader function) {
                    super(function);
                }

                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (!name.equals("SwitchyardLambdaContext") && !name.equals("SwitchyardLambdaLogger")) {
                        return super.loadClass(name, resolve);
                    }
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> loaded = findLoadedClass(name);
                        if (loaded != null) return loaded;
                        try {
                            byte[] bytes = java.nio.file.Files.readAllBytes(
                                java.nio.file.Path.of(System.getProperty("switchyard.lambda.client"), "context", name + ".class"));
                            return defineClass(name, bytes, 0, bytes.length);
                        } catch (java.io.IOException unreadable) {
                            throw new ClassNotFoundException(name, unreadable);
                        }
                    }
                }
            }

            /** JSON text to and from Java values: maps, lists, strings, numbers, booleans, null, and beans. */
            static final class Json {
                final String text;
                int at;

                Json(String text) {
                    this.text = text;
                }

                static Object parse(String text) {
                    if (text.isBlank()) return null;
                    Json json = new Json(text);
                    Object value = json.value();
                    json.space();
                    if (json.at != text.length()) throw json.failure("Unexpected character");
                    return value;
                }

                IllegalArgumentException failure(String what) {
                    return new IllegalArgumentException(what + " at offset " + at + " of the event");
                }

                void space() {
                    while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
                }

                Object value() {
                    space();
                    if (at >= text.length()) throw failure("Unexpected end");
                    char c = text.charAt(at);
                    if (c == '{') {
                        at++;
                        Map<String, Object> map = new LinkedHashMap<>();
                        space();
                        if (text.charAt(at) == '}') { at++; return map; }
                        while (true) {
                            space();
                            String key = string();
                            space();
                            if (text.charAt(at++) != ':') throw failure("Expected ':'");
                            map.put(key, value());
                            space();
                            char end = text.charAt(at++);
                            if (end == '}') return map;
                            if (end != ',') throw failure("Expected ',' or '}'");
                        }
                    }
                    if (c == '[') {
                        at++;
                        List<Object> list = new ArrayList<>();
                        space();
                        if (text.charAt(at) == ']') { at++; return list; }
                        while (true) {
                            list.add(value());
                            space();
                            char end = text.charAt(at++);
                            if (end == ']') return list;
                            if (end != ',') throw failure("Expected ',' or ']'");
                        }
                    }
                    if (c == '"') return string();
                    if (text.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
                    if (text.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
                    if (text.startsWith("null", at)) { at += 4; return null; }
                    int start = at;
                    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
                    String number = text.substring(start, at);
                    if (number.isEmpty()) throw failure("Unexpected character");
                    if (number.contains(".") || number.contains("e") || number.contains("E")) return Double.valueOf(number);
                    BigInteger integer = new BigInteger(number);
                    return integer.bitLength() < 32 ? (Object) integer.intValue()
                        : integer.bitLength() < 64 ? (Object) integer.longValue() : integer;
                }

                String string() {
                    if (text.charAt(at) != '"') throw failure("Expected a string");
                    at++;
                    StringBuilder out = new StringBuilder();
                    while (true) {
                        char c = text.charAt(at++);
                        if (c == '"') return out.toString();
                        if (c != '\\') { out.append(c); continue; }
                        char escaped = text.charAt(at++);
                        switch (escaped) {
                            case 'b': out.append('\b'); break;
                            case 'f': out.append('\f'); break;
                            case 'n': out.append('\n'); break;
                            case 'r': out.append('\r'); break;
                            case 't': out.append('\t'); break;
                            case 'u': out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; break;
                            default: out.append(escaped);
                        }
                    }
                }

                static String write(Object value) {
                    StringBuilder out = new StringBuilder();
                    write(value, out);
                    return out.toString();
                }

                static void write(Object value, StringBuilder out) {
                    if (value == null) { out.append("null"); return; }
                    if (value instanceof String || value instanceof Character || value instanceof Enum<?>) {
                        quote(value instanceof Enum<?> ? ((Enum<?>) value).name() : value.toString(), out);
                    } else if (value instanceof Boolean) {
                        out.append(value);
                    } else if (value instanceof Double || value instanceof Float) {
                        double number = ((Number) value).doubleValue();
                        if (Double.isNaN(number) || Double.isInfinite(number)) quote(String.valueOf(number), out);
                        else out.append(value);
                    } else if (value instanceof Number) {
                        out.append(value instanceof BigDecimal ? ((BigDecimal) value).toPlainString() : value.toString());
                    } else if (value instanceof byte[] || value instanceof java.nio.ByteBuffer) {
                        byte[] bytes = value instanceof byte[] ? (byte[]) value : bytesOf((java.nio.ByteBuffer) value);
                        quote(java.util.Base64.getEncoder().encodeToString(bytes), out);
                    } else if (value instanceof java.util.Date) {
                        out.append(((java.util.Date) value).getTime());
                    } else if (value.getClass().getName().startsWith("java.time.") || value.getClass().getName().startsWith("org.joda.time.")) {
                        quote(value.toString(), out);
                    } else if (value instanceof Map<?, ?>) {
                        out.append('{');
                        boolean first = true;
                        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                            if (!first) out.append(',');
                            first = false;
                            quote(String.valueOf(entry.getKey()), out);
                            out.append(':');
                            write(entry.getValue(), out);
                        }
                        out.append('}');
                    } else if (value instanceof Iterable<?>) {
                        out.append('[');
                        boolean first = true;
                        for (Object item : (Iterable<?>) value) {
                            if (!first) out.append(',');
                            first = false;
                            write(item, out);
                        }
                        out.append(']');
                    } else if (value.getClass().isArray()) {
                        out.append('[');
                        for (int i = 0; i < Array.getLength(value); i++) {
                            if (i > 0) out.append(',');
                            write(Array.get(value, i), out);
                        }
                        out.append(']');
                    } else {
                        write(properties(value), out);
                    }
                }

                static byte[] bytesOf(java.nio.ByteBuffer buffer) {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.duplicate().get(bytes);
                    return bytes;
                }

                /** A bean's properties: its public getters (getX, isX) and public fields, by name. */
                static Map<String, Object> properties(Object bean) {
                    Map<String, Object> properties = new LinkedHashMap<>();
                    for (Method method : bean.getClass().getMethods()) {
                        if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                                || method.getDeclaringClass() == Object.class) continue;
                        String name = method.getName();
                        String property = null;
                        if (name.startsWith("get") && name.length() > 3) property = name.substring(3);
                        else if (name.startsWith("is") && name.length() > 2 && method.getReturnType() == boolean.class) property = name.substring(2);
                        if (property == null) continue;
                        try {
                            properties.put(decapitalize(property), method.invoke(bean));
                        } catch (ReflectiveOperationException ignored) {
                            // A getter that fails is left out.
                        }
                    }
                    for (Field field : bean.getClass().getFields()) {
                        if (Modifier.isStatic(field.getModifiers()) || properties.containsKey(field.getName())) continue;
                        try {
                            properties.put(field.getName(), field.get(bean));
                        } catch (ReflectiveOperationException ignored) {
                            // Unreadable: left out.
                        }
                    }
                    return properties;
                }

                static String decapitalize(String name) {
                    if (name.length() > 1 && Character.isUpperCase(name.charAt(1))) return name;
                    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
                }

                static void quote(String text, StringBuilder out) {
                    out.append('"');
                    for (int i = 0; i < text.length(); i++) {
                        char c = text.charAt(i);
                        switch (c) {
                            case '"': out.append("\\\""); break;
                            case '\\': out.append("\\\\"); break;
                            case '\n': out.append("\\n"); break;
                            case '\r': out.append("\\r"); break;
                            case '\t': out.append("\\t"); break;
                            default:
                                if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                                else out.append(c);
                        }
                    }
                    out.append('"');
                }

                /** A parsed JSON value as the handler's parameter type asks for it. */
                static Object convert(Object value, Type type) throws Exception {
                    Class<?> raw = rawClass(type);
                    if (value == null) return raw.isPrimitive() ? convert(0, type) : null;
                    if (raw == Object.class) return value;
                    if ((raw == byte[].class || raw == java.nio.ByteBuffer.class) && value instanceof String) return fromScalar(value, raw);
                    if (raw == String.class) {
                        if (value instanceof String) return value;
                        throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as java.lang.String");
                    }
                    if (raw == boolean.class || raw == Boolean.class) return value instanceof Boolean ? value : Boolean.valueOf(value.toString());
                    if (Number.class.isAssignableFrom(box(raw)) || raw.isPrimitive()) return number(value, box(raw));
                    if (raw.isEnum()) {
                        for (Object constant : raw.getEnumConstants()) {
                            if (((Enum<?>) constant).name().equals(value.toString())) return constant;
                        }
                        throw new IllegalArgumentException("Not one of the values of " + raw.getName() + ": " + value);
                    }
                    if (Map.class.isAssignableFrom(raw)) {
                        if (!(value instanceof Map<?, ?>)) throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as a map");
                        Type valueType = argument(type, 1);
                        Map<String, Object> map = new LinkedHashMap<>();
                        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) map.put(entry.getKey().toString(), convert(entry.getValue(), valueType));
                        return map;
                    }
                    if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
                        if (!(value instanceof List<?>)) throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as a list");
                        Type itemType = raw.isArray() ? componentType(type) : argument(type, 0);
                        List<Object> items = new ArrayList<>();
                        for (Object item : (List<?>) value) items.add(convert(item, itemType));
                        if (raw.isArray()) {
                            Object array = Array.newInstance(rawClass(itemType), items.size());
                            for (int i = 0; i < items.size(); i++) Array.set(array, i, items.get(i));
                            return array;
                        }
                        return Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>(items) : items;
                    }
                    if (!(value instanceof Map<?, ?>)) {
                        Object made = fromScalar(value, raw);
                        if (made != null) return made;
                        throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as " + raw.getName());
                    }
                    return bean((Map<?, ?>) value, raw);
                }

                /**
                 * A value written as a JSON string or number: bytes in base64, dates in milliseconds or ISO-8601,
                 * and any type made from text (a static parse, valueOf or of, or a constructor taking a String or
                 * an Object, as the date-time types of java.time and Joda-Time have); null when none applies.
                 */
                static Object fromScalar(Object value, Class<?> type) {
                    try {
                        if (value instanceof String && (type == byte[].class || type == java.nio.ByteBuffer.class)) {
                            byte[] bytes = java.util.Base64.getDecoder().decode((String) value);
                            return type == byte[].class ? bytes : java.nio.ByteBuffer.wrap(bytes);
                        }
                        if (type == java.util.Date.class) {
                            return value instanceof Number ? new java.util.Date(((Number) value).longValue())
                                : java.util.Date.from(java.time.Instant.parse(value.toString()));
                        }
                        for (String name : List.of("parse", "valueOf", "of")) {
                            for (Class<?> parameter : List.of(String.class, CharSequence.class)) {
                                try {
                                    Method factory = type.getMethod(name, parameter);
                                    if (Modifier.isStatic(factory.getModifiers()) && type.isAssignableFrom(factory.getReturnType())) {
                                        return factory.invoke(null, value.toString());
                                    }
                                } catch (NoSuchMethodException absent) {
                                    // Try the next form.
                                }
                            }
                        }
                        for (Class<?> parameter : List.of(String.class, Object.class)) {
                            try {
                                return type.getConstructor(parameter).newInstance(parameter == String.class ? value.toString() : value);
                            } catch (NoSuchMethodException absent) {
                                // Try the next form.
                            }
                        }
                    } catch (ReflectiveOperationException | RuntimeException failed) {
                        throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as " + type.getName(), failed);
                    }
                    return null;
                }

                /** A bean filled from an object's members, each matched to a setter or public field in any case. */
                static Object bean(Map<?, ?> members, Class<?> type) throws Exception {
                    Constructor<?> constructor = type.getDeclaredConstructor();
                    constructor.setAccessible(true);
                    Object bean = constructor.newInstance();
                    for (Map.Entry<?, ?> member : members.entrySet()) {
                        String name = member.getKey().toString();
                        Method setter = null;
                        for (Method method : type.getMethods()) {
                            if (method.getParameterCount() == 1 && method.getName().equalsIgnoreCase("set" + name)) { setter = method; break; }
                        }
                        if (setter != null) {
                            setter.invoke(bean, convert(member.getValue(), setter.getGenericParameterTypes()[0]));
                            continue;
                        }
                        for (Field field : allFields(type)) {
                            if (!Modifier.isStatic(field.getModifiers()) && field.getName().equalsIgnoreCase(name)) {
                                field.setAccessible(true);
                                field.set(bean, convert(member.getValue(), field.getGenericType()));
                                break;
                            }
                        }
                    }
                    return bean;
                }

                static List<Field> allFields(Class<?> type) {
                    List<Field> fields = new ArrayList<>();
                    for (Class<?> at = type; at != null && at != Object.class; at = at.getSuperclass()) fields.addAll(List.of(at.getDeclaredFields()));
                    return fields;
                }

                static Object number(Object value, Class<?> type) {
                    BigDecimal number;
                    try {
                        number = value instanceof Number ? new BigDecimal(value.toString()) : new BigDecimal(value.toString().trim());
                    } catch (NumberFormatException bad) {
                        throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as " + type.getName());
                    }
                    if (type == Integer.class) return number.intValue();
                    if (type == Long.class) return number.longValue();
                    if (type == Double.class) return number.doubleValue();
                    if (type == Float.class) return number.floatValue();
                    if (type == Short.class) return number.shortValue();
                    if (type == Byte.class) return number.byteValue();
                    if (type == BigInteger.class) return number.toBigInteger();
                    if (type == Character.class) return value.toString().isEmpty() ? '\0' : value.toString().charAt(0);
                    return number;
                }

                static String describe(Object value) {
                    if (value instanceof Map<?, ?>) return "an object";
                    if (value instanceof List<?>) return "an array";
                    if (value instanceof String) return "the string \"" + value + "\"";
                    return "the value " + value;
                }

                static Class<?> box(Class<?> type) {
                    if (!type.isPrimitive()) return type;
                    if (type == int.class) return Integer.class;
                    if (type == long.class) return Long.class;
                    if (type == double.class) return Double.class;
                    if (type == float.class) return Float.class;
                    if (type == short.class) return Short.class;
                    if (type == byte.class) return Byte.class;
                    if (type == char.class) return Character.class;
                    return Boolean.class;
                }

                static Class<?> rawClass(Type type) {
                    if (type instanceof Class<?>) return (Class<?>) type;
                    if (type instanceof ParameterizedType) return (Class<?>) ((ParameterizedType) type).getRawType();
                    if (type instanceof GenericArrayType) return Array.newInstance(rawClass(((GenericArrayType) type).getGenericComponentType()), 0).getClass();
                    return Object.class;
                }

                static Type argument(Type type, int index) {
                    if (type instanceof ParameterizedType) {
                        Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
                        if (index < arguments.length) return arguments[index];
                    }
                    return Object.class;
                }

                static Type componentType(Type type) {
                    if (type instanceof GenericArrayType) return ((GenericArrayType) type).getGenericComponentType();
                    return ((Class<?>) type).getComponentType();
                }
            }
        }
        """#

    /// The Context and LambdaLogger classes, with the aws-lambda-java-core interfaces they are
    /// compiled against (by path under the source directory). Only the two classes are kept, in
    /// `contextDirectory`, off the class path: the client defines them itself.
    static let contextSources: [(path: String, text: String)] = [
        (
            "SwitchyardLambdaContext.java",
            #"""
            import com.amazonaws.services.lambda.runtime.ClientContext;
            import com.amazonaws.services.lambda.runtime.CognitoIdentity;
            import com.amazonaws.services.lambda.runtime.Context;
            import com.amazonaws.services.lambda.runtime.LambdaLogger;

            /** Lambda's Context for one invocation: what the Runtime API and the environment say of it. */
            public final class SwitchyardLambdaContext implements Context {
                private final String awsRequestId;
                private final String invokedFunctionArn;
                private final long deadlineTimeInMs;
                private final String functionName = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
                private final String functionVersion = System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
                private final String logGroupName = System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
                private final String logStreamName = System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
                private final int memoryLimit =
                    Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"));
                // Not a field serializers walk (libraries that print the context, Gson's say).
                private final transient LambdaLogger logger = new SwitchyardLambdaLogger();

                public SwitchyardLambdaContext(String awsRequestId, String invokedFunctionArn, long deadlineTimeInMs) {
                    this.awsRequestId = awsRequestId;
                    this.invokedFunctionArn = invokedFunctionArn;
                    this.deadlineTimeInMs = deadlineTimeInMs;
                }

                @Override public String getAwsRequestId() { return awsRequestId; }
                @Override public String getLogGroupName() { return logGroupName; }
                @Override public String getLogStreamName() { return logStreamName; }
                @Override public String getFunctionName() { return functionName; }
                @Override public String getFunctionVersion() { return functionVersion; }
                @Override public String getInvokedFunctionArn() { return invokedFunctionArn; }
                @Override public CognitoIdentity getIdentity() { return null; }
                @Override public ClientContext getClientContext() { return null; }
                @Override public int getMemoryLimitInMB() { return memoryLimit; }
                @Override public LambdaLogger getLogger() { return logger; }

                @Override
                public int getRemainingTimeInMillis() {
                    return (int) Math.max(0, deadlineTimeInMs - System.currentTimeMillis());
                }
            }
            """#
        ),
        (
            "SwitchyardLambdaLogger.java",
            #"""
            import com.amazonaws.services.lambda.runtime.LambdaLogger;
            import java.nio.charset.StandardCharsets;

            /** Lambda's LambdaLogger: the message as it is, on the function's output (its log stream). */
            public final class SwitchyardLambdaLogger implements LambdaLogger {
                @Override
                public void log(String message) {
                    System.out.print(message);
                    System.out.flush();
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/Context.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's Context, as published: compiled against, never loaded. */
            public interface Context {
                String getAwsRequestId();
                String getLogGroupName();
                String getLogStreamName();
                String getFunctionName();
                String getFunctionVersion();
                String getInvokedFunctionArn();
                CognitoIdentity getIdentity();
                ClientContext getClientContext();
                int getRemainingTimeInMillis();
                int getMemoryLimitInMB();
                LambdaLogger getLogger();
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/LambdaLogger.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's LambdaLogger, as published: compiled against, never loaded. */
            public interface LambdaLogger {
                void log(String message);
                void log(byte[] message);
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/CognitoIdentity.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's CognitoIdentity, as published: compiled against, never loaded. */
            public interface CognitoIdentity {
                String getIdentityId();
                String getIdentityPoolId();
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/ClientContext.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's ClientContext, as published: compiled against, never loaded. */
            public interface ClientContext {
                Client getClient();
                java.util.Map<String, String> getCustom();
                java.util.Map<String, String> getEnvironment();
            }
            """#
        ),
        (
            "com/amazonaws/services/lambda/runtime/Client.java",
            #"""
            package com.amazonaws.services.lambda.runtime;

            /** aws-lambda-java-core's Client, as published: compiled against, never loaded. */
            public interface Client {
                String getInstallationId();
                String getAppTitle();
                String getAppVersionName();
                String getAppVersionCode();
                String getAppPackageName();
            }
            """#
        ),
    ]

    /// The classes kept from `contextSources`.
    static let contextClasses = ["SwitchyardLambdaContext", "SwitchyardLambdaLogger"]
}
