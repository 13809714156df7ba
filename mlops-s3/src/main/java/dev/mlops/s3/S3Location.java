package dev.mlops.s3;

import dev.mlops.api.Checks;
import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A place in S3: a bucket and a key prefix, parsed from {@code s3://bucket/prefix} and checked
 * against S3's bucket naming rules. Keys resolved under it never escape the prefix, so a model or
 * dataset name from outside cannot address another team's objects.
 *
 * <pre>{@code
 * S3Location models = S3Location.parse("s3://ml-artifacts/teams/ratings");
 * String key = models.resolve("movie-rater/7/model.pt");   // "teams/ratings/movie-rater/7/model.pt"
 * models.resolve("../billing/secrets");                     // ValidationException
 * }</pre>
 *
 * @since 0.1.0
 */
public final class S3Location {
    /** The longest object key S3 accepts, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String bucket;
    private final String prefix;

    private S3Location(String bucket, String prefix) {
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /**
     * Parses {@code s3://bucket} or {@code s3://bucket/prefix}; a trailing {@code /} is ignored.
     *
     * @param uri the location
     * @return the location
     * @throws ValidationException if the scheme is not {@code s3}, the bucket name breaks S3's rules,
     *     or the prefix holds empty, {@code .} or {@code ..} segments
     */
    public static S3Location parse(@Nullable String uri) {
        Checks.text("s3.location", uri, 2048);
        if (!uri.startsWith("s3://")) {
            throw new ValidationException("s3.location", "start with s3://", uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return of(bucket, prefix);
    }

    /**
     * Returns the location of a bucket and prefix.
     *
     * @param bucket an S3 bucket name
     * @param prefix a key prefix without leading or trailing {@code /}, or empty for the whole bucket
     * @return the location
     * @throws ValidationException if either part breaks the rules
     */
    public static S3Location of(@Nullable String bucket, @Nullable String prefix) {
        checkBucket(bucket);
        Checks.notNull("s3.prefix", prefix);
        if (!prefix.isEmpty()) {
            checkRelativeKey("s3.prefix", prefix);
        }
        return new S3Location(bucket, prefix);
    }

    /**
     * The bucket.
     *
     * @return the bucket name
     */
    public String bucket() {
        return bucket;
    }

    /**
     * The key prefix, without leading or trailing {@code /}.
     *
     * @return the prefix; empty for the whole bucket
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The object key of a relative path under this location.
     *
     * @param relative a path such as {@code movie-rater/7/model.pt}
     * @return the full key
     * @throws ValidationException if the path is absolute, holds empty, {@code .} or {@code ..}
     *     segments or control characters, or the key would exceed {@value #MAX_KEY_BYTES} bytes
     */
    public String resolve(@Nullable String relative) {
        checkRelativeKey("s3.key", relative);
        String key = prefix.isEmpty() ? relative : prefix + "/" + relative;
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new ValidationException("s3.key", "be at most " + MAX_KEY_BYTES + " bytes in UTF-8", key);
        }
        return key;
    }

    /**
     * A location one level deeper.
     *
     * @param relative a relative path
     * @return the location of {@code prefix/relative}
     */
    public S3Location child(String relative) {
        return new S3Location(bucket, resolve(relative));
    }

    private static void checkBucket(@Nullable String bucket) {
        Checks.notNull("s3.bucket", bucket);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new ValidationException("s3.bucket", "be 3-63 lowercase letters, digits, '.' or '-', "
                    + "starting and ending with a letter or digit", bucket);
        }
        if (bucket.contains("..")) {
            throw new ValidationException("s3.bucket", "not contain two adjacent periods", bucket);
        }
        if (IP_ADDRESS.matcher(bucket).matches()) {
            throw new ValidationException("s3.bucket", "not be formatted as an IP address", bucket);
        }
        if (bucket.startsWith("xn--") || bucket.endsWith("-s3alias") || bucket.endsWith("--ol-s3")) {
            throw new ValidationException("s3.bucket", "not use a prefix or suffix reserved by S3 "
                    + "(xn--, -s3alias, --ol-s3)", bucket);
        }
    }

    private static void checkRelativeKey(String field, @Nullable String key) {
        Checks.text(field, key, MAX_KEY_BYTES);
        if (key.startsWith("/")) {
            throw new ValidationException(field, "be relative (no leading '/')", key);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ValidationException(field, "not contain empty, '.' or '..' segments", key);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof S3Location && ((S3Location) other).bucket.equals(bucket)
                && ((S3Location) other).prefix.equals(prefix);
    }

    @Override
    public int hashCode() {
        return bucket.hashCode() * 31 + prefix.hashCode();
    }

    /**
     * The location as a URI.
     *
     * @return {@code s3://bucket/prefix}, or {@code s3://bucket} for the whole bucket
     */
    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
