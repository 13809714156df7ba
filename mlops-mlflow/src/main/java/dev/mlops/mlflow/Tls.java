package dev.mlops.mlflow;

import dev.mlops.api.Nullable;
import dev.mlops.api.ValidationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS settings MLflow's clients read — {@code MLFLOW_TRACKING_SERVER_CERT_PATH} (PEM certificates
 * to trust instead of the JVM's), {@code MLFLOW_TRACKING_CLIENT_CERT_PATH} (a PEM file with the
 * client's certificate chain and its unencrypted PKCS#8 private key, for mutual TLS) and
 * {@code MLFLOW_TRACKING_INSECURE_TLS} (no verification at all) — as an {@link SSLContext}.
 */
final class Tls {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Tls() {
    }

    /** The context for these settings, or {@code null} for the JVM's default. */
    static @Nullable SSLContext context(@Nullable String serverCerts, @Nullable String clientCert, boolean insecure) {
        if (serverCerts == null && clientCert == null && !insecure) {
            return null;
        }
        if (insecure && serverCerts != null) {
            throw new ValidationException("MLFLOW_TRACKING_INSECURE_TLS", "not be true together with"
                    + " MLFLOW_TRACKING_SERVER_CERT_PATH; choose to verify the server or not", "true");
        }
        try {
            TrustManager[] trust = insecure ? new TrustManager[] {new TrustingAll()}
                    : serverCerts == null ? null : trusting(serverCerts);
            KeyManagerFactory keys = null;
            if (clientCert != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(clientKeyStore(clientCert), new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ValidationException("TLS settings", "make a TLS context", e.getMessage());
        }
    }

    private static TrustManager[] trusting(String path) throws GeneralSecurityException {
        List<Certificate> certificates = certificates("MLFLOW_TRACKING_SERVER_CERT_PATH", path, blocks(
                "MLFLOW_TRACKING_SERVER_CERT_PATH", path));
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("ca-" + i, certificates.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyStore clientKeyStore(String path) throws GeneralSecurityException {
        String field = "MLFLOW_TRACKING_CLIENT_CERT_PATH";
        List<String[]> blocks = blocks(field, path);
        List<Certificate> chain = certificates(field, path, blocks);
        byte[] key = blocks.stream().filter(b -> b[0].equals("PRIVATE KEY")).map(b -> Base64.getMimeDecoder().decode(b[1]))
                .findFirst().orElseThrow(() -> new ValidationException(field, "hold an unencrypted PKCS#8 private key"
                        + " (-----BEGIN PRIVATE KEY-----; convert others with openssl pkcs8 -topk8 -nocrypt)", path));
        PrivateKey privateKey = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "EdDSA")) {
            try {
                privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key));
                break;
            } catch (GeneralSecurityException e) {
                // not a key of this algorithm
            }
        }
        if (privateKey == null) {
            throw new ValidationException(field, "hold an RSA, EC or EdDSA private key", path);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        store.setKeyEntry("client", privateKey, new char[0], chain.toArray(Certificate[]::new));
        return store;
    }

    private static List<Certificate> certificates(String field, String path, List<String[]> blocks)
            throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> certificates = new ArrayList<>();
        for (String[] block : blocks) {
            if (block[0].equals("CERTIFICATE")) {
                certificates.add(factory.generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(block[1]))));
            }
        }
        if (certificates.isEmpty()) {
            throw new ValidationException(field, "hold PEM certificates (-----BEGIN CERTIFICATE-----)", path);
        }
        return certificates;
    }

    /** The PEM blocks of a file: type and base64 body. */
    private static List<String[]> blocks(String field, String path) {
        String text;
        try {
            text = Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new ValidationException(field, "name a readable PEM file", path);
        }
        List<String[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new String[] {m.group(1), m.group(2)});
        }
        return blocks;
    }

    /** Accepts every certificate and host name, as {@code MLFLOW_TRACKING_INSECURE_TLS=true} asks. */
    private static final class TrustingAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
