extension JavaRuntimeClient {
    /// The Java runtime client's JSON: the event parsed and converted to the handler's parameter type
    /// (maps, lists, arrays, scalars, enums, beans filled through setters or fields matched in any
    /// case, bytes from base64, types made from their text), and answers written back as JSON.
    static let jsonSource = #"""
        import java.lang.reflect.Array;
        import java.lang.reflect.Constructor;
        import java.lang.reflect.Field;
        import java.lang.reflect.GenericArrayType;
        import java.lang.reflect.Method;
        import java.lang.reflect.Modifier;
        import java.lang.reflect.ParameterizedType;
        import java.lang.reflect.Type;
        import java.math.BigDecimal;
        import java.math.BigInteger;
        import java.util.ArrayList;
        import java.util.Collection;
        import java.util.LinkedHashMap;
        import java.util.LinkedHashSet;
        import java.util.List;
        import java.util.Map;
        import java.util.Set;

        /** JSON text to and from Java values: maps, lists, strings, numbers, booleans, null, and beans. */
        final class SwitchyardJavaJson {
            final String text;
            int at;

            SwitchyardJavaJson(String text) {
                this.text = text;
            }

            static Object parse(String text) {
                if (text.isBlank()) return null;
                SwitchyardJavaJson json = new SwitchyardJavaJson(text);
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

            /**
             * A bean's properties: its public getters (getX, isX) and public fields, by name. Those that are
             * null are left out, as AWS's runtime writes answers.
             */
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
                        Object value = method.invoke(bean);
                        if (value != null) properties.put(decapitalize(property), value);
                    } catch (ReflectiveOperationException ignored) {
                        // A getter that fails is left out.
                    }
                }
                for (Field field : bean.getClass().getFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || properties.containsKey(field.getName())) continue;
                    try {
                        Object value = field.get(bean);
                        if (value != null) properties.put(field.getName(), value);
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

            /**
             * A parsed JSON value as the handler's parameter type asks for it, as leniently as AWS's runtime
             * reads events: a number or boolean for a string is its text, a single value for a list is a list
             * of one, a list of one for a single value is that value, and an empty string for an object is null.
             */
            static Object convert(Object value, Type type) throws Exception {
                Class<?> raw = rawClass(type);
                if (value == null) return raw.isPrimitive() ? convert(0, type) : null;
                if (raw == Object.class) return value;
                if ((raw == byte[].class || raw == java.nio.ByteBuffer.class) && value instanceof String) return fromScalar(value, raw);
                boolean many = Collection.class.isAssignableFrom(raw) || raw.isArray();
                if (!many && value instanceof List<?> && ((List<?>) value).size() == 1) return convert(((List<?>) value).get(0), type);
                if (many && !(value instanceof List<?>)) return convert(List.of(value), type);
                if (raw == String.class) {
                    if (value instanceof String || value instanceof Number || value instanceof Boolean) return value.toString();
                    throw new IllegalArgumentException("Cannot deserialize " + describe(value) + " as java.lang.String");
                }
                if ("".equals(value) && !raw.isPrimitive() && !Number.class.isAssignableFrom(raw) && raw != Boolean.class) return null;
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
                if (many) {
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

            /**
             * A bean filled from an object's members, each matched to a setter or field: by its name in any
             * case, else by its letters and digits alone, so that `x-amz-request-id` fills `xAmzRequestId`
             * and `detail-type` calls `setDetailType`, as AWS's event classes expect.
             */
            static Object bean(Map<?, ?> members, Class<?> type) throws Exception {
                Object bean = instantiate(type);
                for (Map.Entry<?, ?> member : members.entrySet()) {
                    String name = member.getKey().toString();
                    if (!fill(bean, type, name, member.getValue(), false)) fill(bean, type, name, member.getValue(), true);
                }
                return bean;
            }

            /** Sets one member through a setter or else a field; false when the bean has no member of that name. */
            static boolean fill(Object bean, Class<?> type, String name, Object value, boolean lettersOnly) throws Exception {
                String wanted = lettersOnly ? lettersAndDigits(name) : name;
                for (Method method : setters(type)) {
                    String property = lettersOnly ? lettersAndDigits(method.getName().substring(3)) : method.getName().substring(3);
                    if (!property.equalsIgnoreCase(wanted)) continue;
                    method.invoke(bean, memberValue(value, method.getGenericParameterTypes()[0], type));
                    return true;
                }
                for (Field field : instanceFields(type)) {
                    String fieldName = lettersOnly ? lettersAndDigits(field.getName()) : field.getName();
                    if (!fieldName.equalsIgnoreCase(wanted)) continue;
                    field.set(bean, memberValue(value, field.getGenericType(), type));
                    return true;
                }
                return false;
            }

            // Each class's setters and fields, looked up once: an event fills the same classes for every
            // record, and getMethods() copies the whole list at each call.
            static final Map<Class<?>, Method[]> SETTERS = new java.util.concurrent.ConcurrentHashMap<>();
            static final Map<Class<?>, Field[]> INSTANCE_FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

            /** The public one-argument `set...` methods of a class. */
            static Method[] setters(Class<?> type) {
                return SETTERS.computeIfAbsent(type, key -> {
                    List<Method> found = new ArrayList<>();
                    for (Method method : key.getMethods()) {
                        if (method.getParameterCount() == 1 && !Modifier.isStatic(method.getModifiers())
                                && method.getName().startsWith("set")) found.add(method);
                    }
                    return found.toArray(new Method[0]);
                });
            }

            /** The non-static fields of a class and its superclasses, made accessible. */
            static Field[] instanceFields(Class<?> type) {
                return INSTANCE_FIELDS.computeIfAbsent(type, key -> {
                    List<Field> found = new ArrayList<>();
                    for (Field field : allFields(key)) {
                        if (Modifier.isStatic(field.getModifiers())) continue;
                        try {
                            field.setAccessible(true);
                        } catch (RuntimeException closed) {
                            continue; // A JDK class's private field, which no module opens to us.
                        }
                        found.add(field);
                    }
                    return found.toArray(new Field[0]);
                });
            }

            static String lettersAndDigits(String name) {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < name.length(); i++) {
                    if (Character.isLetterOrDigit(name.charAt(i))) out.append(name.charAt(i));
                }
                return out.toString();
            }

            /**
             * A member's value. In the classes of aws-lambda-java-events a date given as a number is in
             * seconds, as AWS's event sources send it (a Kinesis record's approximateArrivalTimestamp) and
             * AWS's runtime reads it there; zero is no date. Elsewhere a number is milliseconds.
             */
            static Object memberValue(Object value, Type type, Class<?> owner) throws Exception {
                if (value instanceof Number && rawClass(type) == java.util.Date.class
                        && owner.getName().startsWith("com.amazonaws.services.lambda.runtime.events.")) {
                    double seconds = ((Number) value).doubleValue();
                    return seconds == 0 ? null : new java.util.Date((long) (seconds * 1000));
                }
                return convert(value, type);
            }

            /**
             * A new instance: through the class's constructor without parameters, or, for a class made only
             * through constructors with parameters (the S3 event's records), allocated without running one,
             * its fields then filled by name.
             */
            static Object instantiate(Class<?> type) throws Exception {
                Constructor<?> constructor;
                try {
                    constructor = type.getDeclaredConstructor();
                } catch (NoSuchMethodException none) {
                    Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                    Field instance = unsafeClass.getDeclaredField("theUnsafe");
                    instance.setAccessible(true);
                    return unsafeClass.getMethod("allocateInstance", Class.class).invoke(instance.get(null), type);
                }
                constructor.setAccessible(true);
                return constructor.newInstance();
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
        """#
}
