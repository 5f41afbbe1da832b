//! Signature and credential checks (`calltap_protocol::auth`): known-answer
//! vectors, each scheme's acceptances and rejections, config parsing, and
//! sign-then-verify properties.
//!
//! Expected MACs are never taken from the code under test: they are RFC test
//! vectors, the published Standard Webhooks vector, or computed here with the
//! `hmac` crate directly.

// One top-level module so that `cargo test -p calltap-protocol auth` selects
// every test of this binary.
mod auth {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine as _;
    use calltap_protocol::auth::{
        format_timestamp, parse_timestamp, verify_any, AuthError, BearerPlan, HmacAlgorithm,
        HmacPlan, Scheme, Secret, SignInput, SignatureEncoding, SignedRequest,
        StandardWebhooksPlan, TimestampFormat, VapiSecretPlan, Verifier,
    };
    use hmac::{Hmac, Mac};
    use http::{HeaderMap, HeaderName, HeaderValue};

    const NOW_SECS: u64 = 1_750_314_425;
    const BODY: &[u8] = br#"{"message":{"type":"status-update","status":"ended"}}"#;
    const URL: &str = "https://hooks.example.com/vapi?tenant=7";

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW_SECS)
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("test header name"),
                HeaderValue::from_str(value).expect("test header value"),
            );
        }
        map
    }

    fn to_map(pairs: Vec<(HeaderName, HeaderValue)>) -> HeaderMap {
        pairs.into_iter().collect()
    }

    fn post<'a>(headers: &'a HeaderMap, body: &'a [u8]) -> SignedRequest<'a> {
        SignedRequest::new("POST", URL, headers, body)
    }

    fn input<'a>(body: &'a [u8], timestamp: &'a str, message_id: Option<&'a str>) -> SignInput<'a> {
        SignInput {
            method: "POST",
            url: URL,
            body,
            timestamp,
            message_id,
        }
    }

    /// HMAC-SHA256 computed with the `hmac` crate, independently of the code under test.
    fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }

    fn header<'h>(map: &'h HeaderMap, name: &str) -> &'h str {
        map.get(name)
            .expect("header present")
            .to_str()
            .expect("ascii")
    }

    mod known_answers {
        use super::*;

        const JEFE_DATA: &[u8] = b"what do ya want for nothing?";
        const HI_THERE: &[u8] = b"Hi There";
        const LARGE_KEY_DATA: &[u8] = b"Test Using Larger Than Block-Size Key - Hash Key First";

        fn mac_hex(algorithm: HmacAlgorithm, key: &[u8], data: &[u8]) -> String {
            hex::encode(algorithm.mac(key, &[data]))
        }

        #[test]
        fn hmac_sha256_gives_the_rfc_4231_test_case_macs() {
            // RFC 4231, test cases 1, 2 and 6 (a key longer than the block size).
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha256, &[0x0b; 20], HI_THERE),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
            );
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha256, b"Jefe", JEFE_DATA),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            );
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha256, &[0xaa; 131], LARGE_KEY_DATA),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            );
        }

        #[test]
        fn hmac_sha512_gives_the_rfc_4231_test_case_macs() {
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha512, &[0x0b; 20], HI_THERE),
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
             daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
            );
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha512, b"Jefe", JEFE_DATA),
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
             9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
            );
        }

        #[test]
        fn hmac_sha1_gives_the_rfc_2202_test_case_macs() {
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha1, &[0x0b; 20], HI_THERE),
                "b617318655057264e28bc0b6fb378c8ef146be00"
            );
            assert_eq!(
                mac_hex(HmacAlgorithm::Sha1, b"Jefe", JEFE_DATA),
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
            );
        }

        #[test]
        fn a_message_split_into_parts_has_the_mac_of_the_whole() {
            let whole = HmacAlgorithm::Sha256.mac(b"Jefe", &[JEFE_DATA]);
            let parts =
                HmacAlgorithm::Sha256.mac(b"Jefe", &[b"what do ", b"", b"ya want for nothing?"]);
            assert_eq!(whole, parts);
        }

        /// The plan's whole path (secret decoding, template, encoding, header)
        /// against the RFC vectors: a `{body}` template signs the body alone.
        fn body_only(secret: &str, algorithm: HmacAlgorithm) -> HmacPlan {
            crate::with(HmacPlan::new(secret, algorithm), |p| {
                p.include_timestamp = false;
                p.payload_format = Some("{body}".to_owned());
            })
        }

        #[test]
        fn the_hmac_plan_signs_and_accepts_the_rfc_vectors_end_to_end() {
            let cases = [
                (
                    body_only("Jefe", HmacAlgorithm::Sha256),
                    JEFE_DATA,
                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                ),
                (
                    body_only("Jefe", HmacAlgorithm::Sha1),
                    JEFE_DATA,
                    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                ),
                (
                    // A binary key can only be configured as base64.
                    crate::with(
                        body_only(&STANDARD.encode([0xaa; 131]), HmacAlgorithm::Sha256),
                        |p| {
                            p.secret_is_base64 = true;
                        },
                    ),
                    LARGE_KEY_DATA,
                    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                ),
            ];
            for (plan, data, expected) in cases {
                let signed = to_map(plan.sign(&input(data, "", None)).expect("signs"));
                assert_eq!(header(&signed, "x-signature"), expected);
                assert_eq!(
                    signed.len(),
                    1,
                    "no timestamp header when includeTimestamp is false"
                );

                let received = headers(&[("x-signature", expected)]);
                let verified = plan
                    .verify(&post(&received, data), now())
                    .expect("RFC vector accepted");
                assert_eq!(verified.scheme, Scheme::Hmac);
            }
        }

        #[test]
        fn standard_webhooks_reproduces_the_published_reference_vector() {
            // The vector of the Standard Webhooks / Svix reference libraries.
            let plan = StandardWebhooksPlan::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            let body = br#"{"test": 2432232314}"#;
            let signed = to_map(
                plan.sign(&input(
                    body,
                    "1614265330",
                    Some("msg_p5jXN8AQM9LWM0D4loKWxJek"),
                ))
                .expect("signs"),
            );
            assert_eq!(
                header(&signed, "webhook-signature"),
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
            );

            let received = headers(&[
                ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
                ("webhook-timestamp", "1614265330"),
                (
                    "webhook-signature",
                    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                ),
            ]);
            let at = UNIX_EPOCH + Duration::from_secs(1_614_265_330);
            let verified = plan
                .verify(&post(&received, body), at)
                .expect("reference vector accepted");
            assert_eq!(
                verified.message_id.as_deref(),
                Some("msg_p5jXN8AQM9LWM0D4loKWxJek")
            );
        }

        #[test]
        fn the_default_hmac_template_is_timestamp_dot_body() {
            // Expected value computed with `hmac` directly over "{timestamp}.{body}".
            let plan = HmacPlan::new("s3cret", HmacAlgorithm::Sha256);
            let mut message = b"1750314425.".to_vec();
            message.extend_from_slice(BODY);
            let expected = hex::encode(hmac_sha256(b"s3cret", &message));

            let signed = to_map(plan.sign(&input(BODY, "1750314425", None)).expect("signs"));
            assert_eq!(header(&signed, "x-signature"), expected);
            assert_eq!(header(&signed, "x-timestamp"), "1750314425");

            let received = headers(&[("x-signature", &expected), ("x-timestamp", "1750314425")]);
            plan.verify(&post(&received, BODY), now())
                .expect("accepted");
        }
    }

    mod vapi_secret {
        use super::*;

        fn plan() -> VapiSecretPlan {
            VapiSecretPlan::new("vapi-shared-secret")
        }

        #[test]
        fn the_exact_secret_is_accepted() {
            let received = headers(&[("x-vapi-secret", "vapi-shared-secret")]);
            let verified = plan().verify(&post(&received, BODY)).expect("accepted");
            assert_eq!(verified.scheme, Scheme::VapiSecret);
            assert_eq!(verified.message_id, None);
        }

        #[test]
        fn a_missing_header_is_reported_by_name() {
            let received = headers(&[("authorization", "vapi-shared-secret")]);
            assert_eq!(
                plan().verify(&post(&received, BODY)),
                Err(AuthError::MissingHeader {
                    header: "x-vapi-secret".to_owned()
                })
            );
        }

        #[test]
        fn a_wrong_truncated_or_extended_secret_is_a_mismatch() {
            for wrong in [
                "other",
                "vapi-shared-secre",
                "vapi-shared-secretX",
                "",
                "Bearer vapi-shared-secret",
            ] {
                let received = headers(&[("x-vapi-secret", wrong)]);
                assert_eq!(
                    plan().verify(&post(&received, BODY)),
                    Err(AuthError::Mismatch),
                    "{wrong:?}"
                );
            }
        }

        #[test]
        fn an_empty_configured_secret_accepts_nothing_not_even_an_empty_header() {
            let received = headers(&[("x-vapi-secret", "")]);
            let error = VapiSecretPlan::new("")
                .verify(&post(&received, BODY))
                .expect_err("rejected");
            assert_eq!(error.kind(), "invalid_config");
            assert!(error.is_server_fault());
        }

        #[test]
        fn signing_attaches_the_secret_as_a_sensitive_header() {
            let signed = plan().sign(&input(BODY, "", None)).expect("signs");
            assert_eq!(signed.len(), 1);
            assert_eq!(signed[0].0, "x-vapi-secret");
            assert_eq!(signed[0].1, "vapi-shared-secret");
            assert!(signed[0].1.is_sensitive());
            plan()
                .verify(&post(&to_map(signed), BODY))
                .expect("own signature accepted");
        }
    }

    mod bearer {
        use super::*;

        #[test]
        fn the_token_is_accepted_with_or_without_the_bearer_prefix_in_any_case() {
            let plan = BearerPlan::new("tok-123");
            for value in [
                "Bearer tok-123",
                "bearer tok-123",
                "BEARER   tok-123",
                "tok-123",
            ] {
                let received = headers(&[("Authorization", value)]);
                let verified = plan.verify(&post(&received, BODY)).expect(value);
                assert_eq!(verified.scheme, Scheme::Bearer);
            }
        }

        #[test]
        fn a_wrong_token_or_scheme_is_a_mismatch() {
            let plan = BearerPlan::new("tok-123");
            for value in [
                "Bearer tok-124",
                "Basic tok-123",
                "Bearertok-123",
                "Bearer ",
                "tok-12",
            ] {
                let received = headers(&[("authorization", value)]);
                assert_eq!(
                    plan.verify(&post(&received, BODY)),
                    Err(AuthError::Mismatch),
                    "{value:?}"
                );
            }
        }

        #[test]
        fn a_custom_header_name_is_read_case_insensitively_and_required() {
            let plan = crate::with(BearerPlan::new("tok-123"), |p| {
                p.header_name = "X-Api-Key".to_owned();
            });
            let received = headers(&[("x-api-key", "tok-123")]);
            plan.verify(&post(&received, BODY)).expect("accepted");

            let elsewhere = headers(&[("authorization", "Bearer tok-123")]);
            assert_eq!(
                plan.verify(&post(&elsewhere, BODY)),
                Err(AuthError::MissingHeader {
                    header: "X-Api-Key".to_owned()
                })
            );
        }

        #[test]
        fn signing_follows_bearer_prefix_enabled() {
            let with = BearerPlan::new("tok-123")
                .sign(&input(BODY, "", None))
                .expect("signs");
            assert_eq!(with[0].0, "authorization");
            assert_eq!(with[0].1, "Bearer tok-123");
            assert!(with[0].1.is_sensitive());

            let without = crate::with(BearerPlan::new("tok-123"), |p| {
                p.bearer_prefix_enabled = false;
            });
            let signed = without.sign(&input(BODY, "", None)).expect("signs");
            assert_eq!(signed[0].1, "tok-123");
            without
                .verify(&post(&to_map(signed), BODY))
                .expect("own header accepted");
        }
    }

    mod hmac_plan {
        use super::*;

        fn plan() -> HmacPlan {
            HmacPlan::new("hmac-secret", HmacAlgorithm::Sha256)
        }

        fn with_tolerance() -> HmacPlan {
            crate::with(plan(), |p| {
                p.tolerance_seconds = Some(300);
            })
        }

        fn signed_at(plan: &HmacPlan, timestamp: &str, body: &[u8]) -> HeaderMap {
            to_map(plan.sign(&input(body, timestamp, None)).expect("signs"))
        }

        #[test]
        fn a_correctly_signed_request_is_accepted() {
            let received = signed_at(&plan(), "1750314425", BODY);
            let verified = plan()
                .verify(&post(&received, BODY), now())
                .expect("accepted");
            assert_eq!(verified.scheme, Scheme::Hmac);
            assert_eq!(verified.message_id, None);
        }

        #[test]
        fn missing_signature_or_timestamp_headers_are_reported_by_name() {
            let mut received = signed_at(&plan(), "1750314425", BODY);
            received.remove("x-timestamp");
            assert_eq!(
                plan().verify(&post(&received, BODY), now()),
                Err(AuthError::MissingHeader {
                    header: "x-timestamp".to_owned()
                })
            );
            let received = headers(&[("x-timestamp", "1750314425")]);
            assert_eq!(
                plan().verify(&post(&received, BODY), now()),
                Err(AuthError::MissingHeader {
                    header: "x-signature".to_owned()
                })
            );
        }

        #[test]
        fn a_wrong_secret_is_a_mismatch() {
            let other = HmacPlan::new("other-secret", HmacAlgorithm::Sha256);
            let received = signed_at(&other, "1750314425", BODY);
            assert_eq!(
                plan().verify(&post(&received, BODY), now()),
                Err(AuthError::Mismatch)
            );
        }

        #[test]
        fn changing_one_body_byte_or_the_timestamp_is_a_mismatch() {
            let received = signed_at(&plan(), "1750314425", BODY);
            let mut tampered = BODY.to_vec();
            tampered[20] ^= 0x01;
            assert_eq!(
                plan().verify(&post(&received, &tampered), now()),
                Err(AuthError::Mismatch)
            );

            let mut retimed = received.clone();
            retimed.insert("x-timestamp", HeaderValue::from_static("1750314426"));
            assert_eq!(
                plan().verify(&post(&retimed, BODY), now()),
                Err(AuthError::Mismatch)
            );
        }

        #[test]
        fn a_configured_prefix_is_required_and_a_wrong_one_is_malformed() {
            let prefixed = crate::with(plan(), |p| {
                p.signature_prefix = Some("sha256=".to_owned());
            });
            let received = signed_at(&prefixed, "1750314425", BODY);
            let signature = header(&received, "x-signature").to_owned();
            assert!(signature.starts_with("sha256="));
            prefixed
                .verify(&post(&received, BODY), now())
                .expect("accepted");

            let bare = signature.trim_start_matches("sha256=").to_owned();
            for value in [
                bare.clone(),
                format!("sha1={bare}"),
                format!("sha512={bare}"),
            ] {
                let received = headers(&[("x-signature", &value), ("x-timestamp", "1750314425")]);
                let error = prefixed
                    .verify(&post(&received, BODY), now())
                    .expect_err("rejected");
                assert!(
                    matches!(&error, AuthError::MalformedSignature { header, reason }
                    if header == "x-signature" && reason.contains("sha256=")),
                    "{value}: {error:?}"
                );
            }
        }

        #[test]
        fn stale_and_future_timestamps_outside_the_tolerance_are_rejected_with_their_age() {
            let stale = (NOW_SECS - 301).to_string();
            let received = signed_at(&with_tolerance(), &stale, BODY);
            assert_eq!(
                with_tolerance().verify(&post(&received, BODY), now()),
                Err(AuthError::TimestampOutsideTolerance {
                    age_seconds: 301,
                    tolerance_seconds: 300
                })
            );

            let future = (NOW_SECS + 400).to_string();
            let received = signed_at(&with_tolerance(), &future, BODY);
            let error = with_tolerance()
                .verify(&post(&received, BODY), now())
                .expect_err("rejected");
            assert_eq!(
                error,
                AuthError::TimestampOutsideTolerance {
                    age_seconds: -400,
                    tolerance_seconds: 300
                }
            );
            assert_eq!(
                error.to_string(),
                "timestamp is 400 s in the future, outside the tolerance of 300 s"
            );
        }

        #[test]
        fn timestamps_just_inside_the_tolerance_are_accepted() {
            for offset in [-300_i64, -1, 0, 299, 300] {
                let ts = (NOW_SECS as i64 + offset).to_string();
                let received = signed_at(&with_tolerance(), &ts, BODY);
                with_tolerance()
                    .verify(&post(&received, BODY), now())
                    .unwrap_or_else(|e| panic!("offset {offset}: {e}"));
            }
        }

        #[test]
        fn seconds_milliseconds_and_iso_timestamps_are_all_accepted() {
            for format in [
                TimestampFormat::Seconds,
                TimestampFormat::Millis,
                TimestampFormat::Iso8601,
            ] {
                let ts = format_timestamp(now() - Duration::from_secs(10), format);
                let received = signed_at(&with_tolerance(), &ts, BODY);
                with_tolerance()
                    .verify(&post(&received, BODY), now())
                    .unwrap_or_else(|e| panic!("{format:?} {ts}: {e}"));
            }
        }

        #[test]
        fn a_stale_millisecond_timestamp_is_still_rejected() {
            let ts = ((NOW_SECS - 3600) * 1000).to_string();
            let received = signed_at(&with_tolerance(), &ts, BODY);
            assert_eq!(
                with_tolerance().verify(&post(&received, BODY), now()),
                Err(AuthError::TimestampOutsideTolerance {
                    age_seconds: 3600,
                    tolerance_seconds: 300
                })
            );
        }

        #[test]
        fn an_unreadable_timestamp_is_invalid_only_when_a_tolerance_is_checked() {
            let received = signed_at(&with_tolerance(), "yesterday", BODY);
            assert_eq!(
                with_tolerance().verify(&post(&received, BODY), now()),
                Err(AuthError::InvalidTimestamp {
                    header: "x-timestamp".to_owned()
                })
            );
            // Without a window the timestamp is only signed text, as Vapi has it.
            let received = signed_at(&plan(), "yesterday", BODY);
            plan()
                .verify(&post(&received, BODY), now())
                .expect("accepted");
        }

        #[test]
        fn a_base64_secret_is_decoded_before_use() {
            let key = [0x00, 0xff, 0x10, 0x80, 0x7f, 0x01];
            let plan = crate::with(
                HmacPlan::new(STANDARD.encode(key), HmacAlgorithm::Sha256),
                |p| {
                    p.secret_is_base64 = true;
                },
            );
            let mut message = b"1750314425.".to_vec();
            message.extend_from_slice(BODY);
            let expected = hex::encode(hmac_sha256(&key, &message));
            let received = headers(&[("x-signature", &expected), ("x-timestamp", "1750314425")]);
            plan.verify(&post(&received, BODY), now())
                .expect("accepted");

            // The same text used as a raw key gives another MAC.
            let raw = crate::with(plan.clone(), |p| {
                p.secret_is_base64 = false;
            });
            assert_eq!(
                raw.verify(&post(&received, BODY), now()),
                Err(AuthError::Mismatch)
            );
        }

        #[test]
        fn a_whsec_prefixed_base64_secret_is_accepted() {
            let plan = crate::with(
                HmacPlan::new(
                    format!("whsec_{}", STANDARD.encode(b"raw key")),
                    HmacAlgorithm::Sha256,
                ),
                |p| {
                    p.secret_is_base64 = true;
                },
            );
            let mut message = b"1750314425.".to_vec();
            message.extend_from_slice(BODY);
            let expected = hex::encode(hmac_sha256(b"raw key", &message));
            let received = headers(&[("x-signature", &expected), ("x-timestamp", "1750314425")]);
            plan.verify(&post(&received, BODY), now())
                .expect("accepted");
        }

        #[test]
        fn a_base64_signature_is_accepted_padded_or_not() {
            let plan = crate::with(plan(), |p| {
                p.signature_encoding = SignatureEncoding::Base64;
            });
            let mut message = b"1750314425.".to_vec();
            message.extend_from_slice(BODY);
            let mac = hmac_sha256(b"hmac-secret", &message);

            let signed = signed_at(&plan, "1750314425", BODY);
            assert_eq!(header(&signed, "x-signature"), STANDARD.encode(&mac));

            for encoded in [STANDARD.encode(&mac), STANDARD_NO_PAD.encode(&mac)] {
                let received = headers(&[("x-signature", &encoded), ("x-timestamp", "1750314425")]);
                plan.verify(&post(&received, BODY), now()).expect(&encoded);
            }
        }

        #[test]
        fn upper_and_lower_case_hex_are_both_accepted() {
            let signed = signed_at(&plan(), "1750314425", BODY);
            let lower = header(&signed, "x-signature").to_owned();
            assert_eq!(lower, lower.to_ascii_lowercase());
            let upper = lower.to_ascii_uppercase();
            let received = headers(&[("x-signature", &upper), ("x-timestamp", "1750314425")]);
            plan()
                .verify(&post(&received, BODY), now())
                .expect("upper-case hex");
        }

        fn custom() -> HmacPlan {
            crate::with(plan(), |p| {
                p.payload_format =
                    Some("{method} {url}\n{svix-id}\n{timestamp}\n{body}".to_owned());
                p.message_id_header = Some("svix-id".to_owned());
                p.signature_header = "X-Vapi-Signature".to_owned();
                p.timestamp_header = "X-Vapi-Timestamp".to_owned();
            })
        }

        #[test]
        fn a_message_id_the_template_does_not_sign_is_not_handed_on() {
            let plan = crate::with(plan(), |p| p.message_id_header = Some("svix-id".to_owned()));
            let signed = to_map(
                plan.sign(&input(BODY, "1750314425", Some("msg_42")))
                    .expect("signs"),
            );
            assert_eq!(header(&signed, "svix-id"), "msg_42");

            let verified = plan.verify(&post(&signed, BODY), now()).expect("accepted");
            assert_eq!(
                verified.message_id, None,
                "the default template signs no id"
            );
        }

        #[test]
        fn a_custom_template_signs_method_url_message_id_timestamp_and_body() {
            let mut message = format!("POST {URL}\nmsg_42\n1750314425\n").into_bytes();
            message.extend_from_slice(BODY);
            let expected = hex::encode(hmac_sha256(b"hmac-secret", &message));

            let signed = to_map(
                custom()
                    .sign(&input(BODY, "1750314425", Some("msg_42")))
                    .expect("signs"),
            );
            assert_eq!(header(&signed, "x-vapi-signature"), expected);
            assert_eq!(header(&signed, "svix-id"), "msg_42");

            let received = headers(&[
                ("x-vapi-signature", &expected),
                ("x-vapi-timestamp", "1750314425"),
                ("svix-id", "msg_42"),
            ]);
            let verified = custom()
                .verify(&post(&received, BODY), now())
                .expect("accepted");
            assert_eq!(verified.message_id.as_deref(), Some("msg_42"));

            // Each signed input matters.
            let put = SignedRequest::new("PUT", URL, &received, BODY);
            assert_eq!(custom().verify(&put, now()), Err(AuthError::Mismatch));
            let elsewhere =
                SignedRequest::new("POST", "https://hooks.example.com/other", &received, BODY);
            assert_eq!(custom().verify(&elsewhere, now()), Err(AuthError::Mismatch));
            let mut other_id = received.clone();
            other_id.insert("svix-id", HeaderValue::from_static("msg_43"));
            assert_eq!(
                custom().verify(&post(&other_id, BODY), now()),
                Err(AuthError::Mismatch)
            );
            let mut no_id = received.clone();
            no_id.remove("svix-id");
            assert_eq!(
                custom().verify(&post(&no_id, BODY), now()),
                Err(AuthError::MissingHeader {
                    header: "svix-id".to_owned()
                })
            );
        }

        #[test]
        fn placeholder_text_inside_the_body_is_signed_literally() {
            let body = br#"{"text":"{timestamp} and {svix-id}"}"#;
            let mut message = format!("POST {URL}\nmsg_42\n1750314425\n").into_bytes();
            message.extend_from_slice(body);
            let expected = hex::encode(hmac_sha256(b"hmac-secret", &message));
            let received = headers(&[
                ("x-vapi-signature", &expected),
                ("x-vapi-timestamp", "1750314425"),
                ("svix-id", "msg_42"),
            ]);
            custom()
                .verify(&post(&received, body), now())
                .expect("accepted");
        }

        #[test]
        fn any_of_several_signatures_may_match_for_key_rotation() {
            let old = HmacPlan::new("old-secret", HmacAlgorithm::Sha256);
            let old_sig = header(&signed_at(&old, "1750314425", BODY), "x-signature").to_owned();
            let new_sig = header(&signed_at(&plan(), "1750314425", BODY), "x-signature").to_owned();

            let space_separated = headers(&[
                ("x-signature", &format!("{old_sig} {new_sig}")),
                ("x-timestamp", "1750314425"),
            ]);
            plan()
                .verify(&post(&space_separated, BODY), now())
                .expect("second entry matches");

            let repeated = headers(&[
                ("x-signature", &old_sig),
                ("x-signature", &new_sig),
                ("x-timestamp", "1750314425"),
            ]);
            plan()
                .verify(&post(&repeated, BODY), now())
                .expect("second header matches");

            let only_old = headers(&[("x-signature", &old_sig), ("x-timestamp", "1750314425")]);
            assert_eq!(
                plan().verify(&post(&only_old, BODY), now()),
                Err(AuthError::Mismatch)
            );
        }

        #[test]
        fn garbage_signatures_are_malformed_not_a_panic() {
            let base64 = crate::with(plan(), |p| {
                p.signature_encoding = SignatureEncoding::Base64;
            });
            let cases: [(&HmacPlan, &str, &str); 6] = [
                (&plan(), "not hex at all!", "not valid hex"),
                (&plan(), "abc", "not valid hex"),
                (&plan(), "", "empty"),
                (&plan(), &"ab".repeat(20), "20 bytes, expected 32"),
                (&base64, "@@@###", "not valid base64"),
                (
                    &base64,
                    &STANDARD.encode([0u8; 64]),
                    "64 bytes, expected 32",
                ),
            ];
            for (plan, value, reason_part) in cases {
                let received = headers(&[("x-signature", value), ("x-timestamp", "1750314425")]);
                let error = plan
                    .verify(&post(&received, BODY), now())
                    .expect_err("rejected");
                assert!(
                    matches!(&error, AuthError::MalformedSignature { reason, .. } if reason.contains(reason_part)),
                    "{value:?}: {error:?}"
                );
                assert_eq!(error.kind(), "malformed_signature");
            }
        }

        #[test]
        fn non_ascii_header_bytes_are_rejected_cleanly() {
            let mut received = HeaderMap::new();
            received.insert(
                "x-signature",
                HeaderValue::from_bytes(b"\xff\xfe").expect("obs-text"),
            );
            received.insert(
                "x-timestamp",
                HeaderValue::from_bytes(b"17\xff").expect("obs-text"),
            );
            let error = plan()
                .verify(&post(&received, BODY), now())
                .expect_err("rejected");
            assert_eq!(error.kind(), "invalid_timestamp");
            received.insert("x-timestamp", HeaderValue::from_static("1750314425"));
            let error = plan()
                .verify(&post(&received, BODY), now())
                .expect_err("rejected");
            assert_eq!(error.kind(), "malformed_signature");
        }

        #[test]
        fn sha512_and_sha1_plans_round_trip_and_reject_each_others_signatures() {
            let sha512 = HmacPlan::new("hmac-secret", HmacAlgorithm::Sha512);
            let sha1 = HmacPlan::new("hmac-secret", HmacAlgorithm::Sha1);
            let signed512 = signed_at(&sha512, "1750314425", BODY);
            let signed1 = signed_at(&sha1, "1750314425", BODY);
            assert_eq!(header(&signed512, "x-signature").len(), 128);
            assert_eq!(header(&signed1, "x-signature").len(), 40);
            sha512
                .verify(&post(&signed512, BODY), now())
                .expect("sha512");
            sha1.verify(&post(&signed1, BODY), now()).expect("sha1");
            assert_eq!(
                sha1.verify(&post(&signed512, BODY), now())
                    .expect_err("rejected")
                    .kind(),
                "malformed_signature"
            );
        }

        #[test]
        fn without_include_timestamp_no_timestamp_is_sent_or_needed() {
            let plan = crate::with(plan(), |p| {
                p.include_timestamp = false;
            });
            let signed = signed_at(&plan, "1750314425", BODY);
            assert!(signed.get("x-timestamp").is_none());
            let expected = hex::encode(hmac_sha256(b"hmac-secret", BODY));
            assert_eq!(header(&signed, "x-signature"), expected);
            plan.verify(&post(&signed, BODY), now()).expect("accepted");
        }

        #[test]
        fn inconsistent_plans_fail_validation_with_the_field_at_fault() {
            let svix_without_header = crate::with(plan(), |p| {
                p.payload_format = Some("{svix-id}.{body}".to_owned());
            });
            assert_eq!(
                svix_without_header.validate().expect_err("rejected").field,
                "messageIdHeader"
            );

            let window_without_timestamp = crate::with(plan(), |p| {
                p.include_timestamp = false;
                p.tolerance_seconds = Some(300);
            });
            assert_eq!(
                window_without_timestamp
                    .validate()
                    .expect_err("rejected")
                    .field,
                "toleranceSeconds"
            );

            let timestamp_template_without_timestamp = crate::with(plan(), |p| {
                p.include_timestamp = false;
                p.payload_format = Some("{timestamp}.{body}".to_owned());
            });
            assert_eq!(
                timestamp_template_without_timestamp
                    .validate()
                    .expect_err("rejected")
                    .field,
                "payloadFormat"
            );

            let bad_header = crate::with(plan(), |p| {
                p.signature_header = "x signature".to_owned();
            });
            assert_eq!(
                bad_header.validate().expect_err("rejected").field,
                "signatureHeader"
            );

            assert!(plan().validate().is_ok());
            assert!(custom().validate().is_ok());
        }

        #[test]
        fn a_secret_that_is_not_base64_is_a_config_error_that_does_not_echo_it() {
            let plan = crate::with(
                HmacPlan::new("not*base64*SECRET-VALUE", HmacAlgorithm::Sha256),
                |p| {
                    p.secret_is_base64 = true;
                },
            );
            let received = headers(&[("x-signature", "00"), ("x-timestamp", "1")]);
            let error = plan
                .verify(&post(&received, BODY), now())
                .expect_err("rejected");
            assert_eq!(error.kind(), "invalid_config");
            assert!(error.is_server_fault());
            assert!(!error.to_string().contains("SECRET"), "{error}");
            assert!(!format!("{error:?}").contains("SECRET"), "{error:?}");
        }

        #[test]
        fn signing_a_svix_id_template_without_a_message_id_fails() {
            let error = custom()
                .sign(&input(BODY, "1750314425", None))
                .expect_err("rejected");
            assert_eq!(error, calltap_protocol::auth::SignError::MissingMessageId);
        }
    }

    mod standard_webhooks {
        use super::*;

        const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        fn plan() -> StandardWebhooksPlan {
            StandardWebhooksPlan::new(SECRET)
        }

        fn signed(plan: &StandardWebhooksPlan, timestamp: &str, body: &[u8]) -> HeaderMap {
            to_map(
                plan.sign(&input(body, timestamp, Some("msg_1")))
                    .expect("signs"),
            )
        }

        fn independent_signature(id: &str, timestamp: &str, body: &[u8]) -> String {
            let key = STANDARD
                .decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .expect("base64");
            let mut message = format!("{id}.{timestamp}.").into_bytes();
            message.extend_from_slice(body);
            format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &message)))
        }

        #[test]
        fn a_correctly_signed_request_is_accepted_and_yields_the_webhook_id() {
            let received = headers(&[
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", "1750314425"),
                (
                    "webhook-signature",
                    &independent_signature("msg_1", "1750314425", BODY),
                ),
            ]);
            let verified = plan()
                .verify(&post(&received, BODY), now())
                .expect("accepted");
            assert_eq!(verified.scheme, Scheme::StandardWebhooks);
            assert_eq!(verified.message_id.as_deref(), Some("msg_1"));
        }

        #[test]
        fn each_missing_header_is_reported_by_name() {
            for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
                let mut received = signed(&plan(), "1750314425", BODY);
                received.remove(missing);
                assert_eq!(
                    plan().verify(&post(&received, BODY), now()),
                    Err(AuthError::MissingHeader {
                        header: missing.to_owned()
                    })
                );
            }
        }

        #[test]
        fn a_wrong_secret_a_tampered_body_or_another_id_is_a_mismatch() {
            let other =
                StandardWebhooksPlan::new(format!("whsec_{}", STANDARD.encode(b"another key")));
            let received = signed(&other, "1750314425", BODY);
            assert_eq!(
                plan().verify(&post(&received, BODY), now()),
                Err(AuthError::Mismatch)
            );

            let received = signed(&plan(), "1750314425", BODY);
            let mut tampered = BODY.to_vec();
            let last = tampered.len() - 1;
            tampered[last] = b' ';
            assert_eq!(
                plan().verify(&post(&received, &tampered), now()),
                Err(AuthError::Mismatch)
            );

            let mut other_id = received.clone();
            other_id.insert("webhook-id", HeaderValue::from_static("msg_2"));
            assert_eq!(
                plan().verify(&post(&other_id, BODY), now()),
                Err(AuthError::Mismatch)
            );
        }

        #[test]
        fn timestamps_more_than_five_minutes_away_are_rejected_by_default() {
            for (offset, age) in [(-301_i64, 301_i64), (301, -301)] {
                let ts = (NOW_SECS as i64 + offset).to_string();
                let received = signed(&plan(), &ts, BODY);
                assert_eq!(
                    plan().verify(&post(&received, BODY), now()),
                    Err(AuthError::TimestampOutsideTolerance {
                        age_seconds: age,
                        tolerance_seconds: 300
                    })
                );
            }
            let ts = (NOW_SECS - 299).to_string();
            plan()
                .verify(&post(&signed(&plan(), &ts, BODY), BODY), now())
                .expect("inside window");
        }

        #[test]
        fn timestamps_must_be_integer_seconds_as_the_spec_says() {
            let received = signed(&plan(), "2025-06-19T06:27:05Z", BODY);
            assert_eq!(
                plan().verify(&post(&received, BODY), now()),
                Err(AuthError::InvalidTimestamp {
                    header: "webhook-timestamp".to_owned()
                })
            );
            let millis = (NOW_SECS * 1000).to_string();
            let received = signed(&plan(), &millis, BODY);
            assert_eq!(
                plan()
                    .verify(&post(&received, BODY), now())
                    .expect_err("rejected")
                    .kind(),
                "timestamp_outside_tolerance"
            );
        }

        #[test]
        fn any_v1_entry_may_match_and_other_versions_are_skipped() {
            let good = independent_signature("msg_1", "1750314425", BODY);
            let stale = independent_signature("msg_1", "1750314424", BODY);
            let value = format!("v1a,c29tZXRoaW5n {stale} {good}");
            let received = headers(&[
                ("webhook-id", "msg_1"),
                ("webhook-timestamp", "1750314425"),
                ("webhook-signature", &value),
            ]);
            plan()
                .verify(&post(&received, BODY), now())
                .expect("third entry matches");
        }

        #[test]
        fn garbage_signatures_are_malformed_not_a_panic() {
            for value in [
                "v1,!!!not-base64",
                "no-comma-here",
                "v2,c29tZXRoaW5n",
                "v1,c2hvcnQ=",
                " ",
            ] {
                let received = headers(&[
                    ("webhook-id", "msg_1"),
                    ("webhook-timestamp", "1750314425"),
                    ("webhook-signature", value),
                ]);
                let error = plan()
                    .verify(&post(&received, BODY), now())
                    .expect_err("rejected");
                assert_eq!(error.kind(), "malformed_signature", "{value:?}: {error:?}");
            }
        }

        #[test]
        fn the_whsec_prefix_is_optional() {
            let bare = StandardWebhooksPlan::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            let received = signed(&plan(), "1750314425", BODY);
            bare.verify(&post(&received, BODY), now())
                .expect("same key");
        }

        #[test]
        fn the_tolerance_is_configurable_and_can_be_disabled() {
            let ts = (NOW_SECS - 3600).to_string();
            let received = signed(&plan(), &ts, BODY);
            let lax = crate::with(plan(), |p| {
                p.tolerance_seconds = None;
            });
            lax.verify(&post(&received, BODY), now())
                .expect("no window");
            let hour = crate::with(plan(), |p| {
                p.tolerance_seconds = Some(3600);
            });
            hour.verify(&post(&received, BODY), now())
                .expect("one-hour window");
        }

        #[test]
        fn signing_needs_a_message_id() {
            let error = plan()
                .sign(&input(BODY, "1750314425", None))
                .expect_err("rejected");
            assert_eq!(error, calltap_protocol::auth::SignError::MissingMessageId);
        }
    }

    mod several_verifiers {
        use super::*;

        fn configured() -> Vec<Verifier> {
            vec![
                VapiSecretPlan::new("shared").into(),
                HmacPlan::new("hmac-secret", HmacAlgorithm::Sha256).into(),
                StandardWebhooksPlan::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").into(),
            ]
        }

        #[test]
        fn a_delivery_is_accepted_when_any_verifier_accepts_it() {
            for verifier in configured() {
                let signed = to_map(
                    verifier
                        .sign(&input(BODY, "1750314425", Some("msg_9")))
                        .expect("signs"),
                );
                let verified =
                    verify_any(&configured(), &post(&signed, BODY), now()).expect("accepted");
                assert_eq!(verified.scheme, verifier.scheme());
            }
        }

        #[test]
        fn the_most_telling_failure_is_reported_when_none_accepts() {
            // The HMAC verifier saw its headers and found a mismatch: that beats
            // the other two reporting missing headers.
            let other = HmacPlan::new("other", HmacAlgorithm::Sha256);
            let signed = to_map(other.sign(&input(BODY, "1750314425", None)).expect("signs"));
            assert_eq!(
                verify_any(&configured(), &post(&signed, BODY), now()),
                Err(AuthError::Mismatch)
            );

            // Nothing at all: the first missing header.
            let empty = HeaderMap::new();
            assert_eq!(
                verify_any(&configured(), &post(&empty, BODY), now()),
                Err(AuthError::MissingHeader {
                    header: "x-vapi-secret".to_owned()
                })
            );
        }

        #[test]
        fn no_verifiers_fails_closed() {
            let signed = headers(&[("x-vapi-secret", "shared")]);
            let error = verify_any(&[], &post(&signed, BODY), now()).expect_err("rejected");
            assert_eq!(error, AuthError::NoVerifiers);
            assert!(error.is_server_fault());
        }

        #[test]
        fn secret_rotation_is_two_verifiers_of_the_same_scheme() {
            let old = HmacPlan::new("old", HmacAlgorithm::Sha256);
            let new = HmacPlan::new("new", HmacAlgorithm::Sha256);
            let both: Vec<Verifier> = vec![new.into(), old.clone().into()];
            let signed = to_map(old.sign(&input(BODY, "1750314425", None)).expect("signs"));
            verify_any(&both, &post(&signed, BODY), now()).expect("old secret still accepted");
        }
    }

    mod config {
        use super::*;

        fn verifier(json: &str) -> Verifier {
            serde_json::from_str(json).expect("valid plan")
        }

        #[test]
        fn a_vapi_hmac_authentication_plan_deserializes_with_every_field() {
            let json = r#"{
            "type": "hmac", "secretKey": "c2VjcmV0", "algorithm": "sha512",
            "signatureHeader": "X-Hub-Signature", "timestampHeader": "X-Hub-Time",
            "signaturePrefix": "sha512=", "includeTimestamp": true,
            "payloadFormat": "{svix-id}.{timestamp}.{body}", "messageIdHeader": "svix-id",
            "signatureEncoding": "base64", "secretIsBase64": true, "toleranceSeconds": 120
        }"#;
            let Verifier::Hmac(plan) = verifier(json) else {
                panic!("not an hmac plan")
            };
            assert_eq!(plan.secret_key.expose(), "c2VjcmV0");
            assert_eq!(plan.algorithm, HmacAlgorithm::Sha512);
            assert_eq!(plan.signature_header, "X-Hub-Signature");
            assert_eq!(plan.timestamp_header, "X-Hub-Time");
            assert_eq!(plan.signature_prefix.as_deref(), Some("sha512="));
            assert!(plan.include_timestamp);
            assert_eq!(plan.payload_format(), "{svix-id}.{timestamp}.{body}");
            assert_eq!(plan.message_id_header.as_deref(), Some("svix-id"));
            assert_eq!(plan.signature_encoding, SignatureEncoding::Base64);
            assert!(plan.secret_is_base64);
            assert_eq!(plan.tolerance_seconds, Some(120));
            assert!(plan.validate().is_ok());
        }

        #[test]
        fn a_minimal_hmac_plan_gets_vapis_defaults() {
            let Verifier::Hmac(plan) =
                verifier(r#"{"type":"hmac","secretKey":"k","algorithm":"sha256"}"#)
            else {
                panic!("not an hmac plan")
            };
            assert_eq!(plan.signature_header, "x-signature");
            assert_eq!(plan.timestamp_header, "x-timestamp");
            assert_eq!(plan.signature_prefix, None);
            assert!(plan.include_timestamp);
            assert_eq!(plan.payload_format(), "{timestamp}.{body}");
            assert_eq!(plan.signature_encoding, SignatureEncoding::Hex);
            assert!(!plan.secret_is_base64);
            assert_eq!(plan.tolerance_seconds, None);
        }

        #[test]
        fn an_hmac_plan_without_algorithm_or_with_an_unknown_one_is_refused() {
            assert!(
                serde_json::from_str::<Verifier>(r#"{"type":"hmac","secretKey":"k"}"#).is_err()
            );
            assert!(serde_json::from_str::<Verifier>(
                r#"{"type":"hmac","secretKey":"k","algorithm":"md5"}"#
            )
            .is_err());
        }

        #[test]
        fn a_vapi_bearer_plan_and_our_own_plans_deserialize() {
            let Verifier::Bearer(bearer) = verifier(r#"{"type":"bearer","token":"t"}"#) else {
                panic!("not bearer")
            };
            assert_eq!(bearer.header_name, "authorization");
            assert!(bearer.bearer_prefix_enabled);

            let Verifier::Bearer(custom) = verifier(
                r#"{"type":"bearer","token":"t","headerName":"X-Key","bearerPrefixEnabled":false}"#,
            ) else {
                panic!("not bearer")
            };
            assert_eq!(custom.header_name, "X-Key");
            assert!(!custom.bearer_prefix_enabled);

            let Verifier::VapiSecret(secret) = verifier(r#"{"type":"vapi-secret","secret":"s"}"#)
            else {
                panic!("not vapi-secret")
            };
            assert_eq!(secret.header_name, "x-vapi-secret");

            let Verifier::StandardWebhooks(sw) =
                verifier(r#"{"type":"standard-webhooks","secret":"whsec_AAAA"}"#)
            else {
                panic!("not standard-webhooks")
            };
            assert_eq!(sw.tolerance_seconds, Some(300));
        }

        #[test]
        fn oauth2_plans_are_not_supported() {
            assert!(
                serde_json::from_str::<Verifier>(r#"{"type":"oauth2","url":"https://x"}"#).is_err()
            );
        }

        #[test]
        fn debug_output_of_every_plan_never_contains_the_secret() {
            const S: &str = "TOP-SECRET-VALUE";
            let plans: Vec<Verifier> = vec![
                VapiSecretPlan::new(S).into(),
                BearerPlan::new(S).into(),
                HmacPlan::new(S, HmacAlgorithm::Sha256).into(),
                StandardWebhooksPlan::new(S).into(),
                verifier(&format!(
                    r#"{{"type":"hmac","secretKey":"{S}","algorithm":"sha1"}}"#
                )),
            ];
            for plan in &plans {
                let debug = format!("{plan:?}");
                let pretty = format!("{plan:#?}");
                assert!(!debug.contains(S) && !pretty.contains(S), "{debug}");
                assert!(debug.contains("Secret(***)"), "{debug}");
                if let Verifier::Hmac(inner) = plan {
                    assert!(!format!("{inner:?}").contains(S));
                }
            }
            let secret = Secret::from(S);
            assert_eq!(format!("{secret:?}"), "Secret(***)");
            assert_eq!(format!("{secret}"), "Secret(***)");
            assert_eq!(secret.expose(), S);
        }

        #[test]
        fn error_messages_never_contain_the_expected_signature() {
            let plan = HmacPlan::new("hmac-secret", HmacAlgorithm::Sha256);
            let good = to_map(plan.sign(&input(BODY, "1750314425", None)).expect("signs"));
            let expected = header(&good, "x-signature").to_owned();
            let received = headers(&[
                ("x-signature", &"00".repeat(32)),
                ("x-timestamp", "1750314425"),
            ]);
            let error = plan
                .verify(&post(&received, BODY), now())
                .expect_err("rejected");
            assert!(!error.to_string().contains(&expected));
            assert!(!format!("{error:?}").contains(&expected));
            assert!(!error.to_string().contains("hmac-secret"));
        }

        #[test]
        fn error_kinds_are_stable_metric_labels() {
            let kinds = [
                AuthError::MissingHeader { header: "h".into() }.kind(),
                AuthError::Mismatch.kind(),
                AuthError::MalformedSignature {
                    header: "h".into(),
                    reason: "r".into(),
                }
                .kind(),
                AuthError::InvalidTimestamp { header: "h".into() }.kind(),
                AuthError::TimestampOutsideTolerance {
                    age_seconds: 1,
                    tolerance_seconds: 0,
                }
                .kind(),
                AuthError::NoVerifiers.kind(),
            ];
            assert_eq!(
                kinds,
                [
                    "missing_header",
                    "mismatch",
                    "malformed_signature",
                    "invalid_timestamp",
                    "timestamp_outside_tolerance",
                    "no_verifiers"
                ]
            );
        }
    }

    mod timestamps {
        use super::*;

        #[test]
        fn epoch_seconds_and_milliseconds_are_told_apart_by_magnitude() {
            assert_eq!(parse_timestamp("1750314425"), Some(1_750_314_425_000));
            assert_eq!(parse_timestamp("1750314425773"), Some(1_750_314_425_773));
            assert_eq!(parse_timestamp("99999999999"), Some(99_999_999_999_000));
            assert_eq!(parse_timestamp("100000000000"), Some(100_000_000_000));
            assert_eq!(parse_timestamp("0"), Some(0));
        }

        #[test]
        fn fractional_seconds_and_milliseconds_keep_millisecond_precision() {
            assert_eq!(parse_timestamp("1750314425.773"), Some(1_750_314_425_773));
            assert_eq!(parse_timestamp("1750314425.7"), Some(1_750_314_425_700));
            assert_eq!(parse_timestamp("1750314425.77399"), Some(1_750_314_425_773));
            assert_eq!(parse_timestamp("1750314425773.9"), Some(1_750_314_425_773));
        }

        #[test]
        fn iso_8601_date_times_are_read_with_or_without_an_offset() {
            assert_eq!(
                parse_timestamp("2025-06-19T06:27:05.773Z"),
                Some(1_750_314_425_773)
            );
            assert_eq!(
                parse_timestamp("2025-06-19T08:27:05.773+02:00"),
                Some(1_750_314_425_773)
            );
            assert_eq!(
                parse_timestamp("2025-06-19T06:27:05"),
                Some(1_750_314_425_000)
            );
            assert_eq!(parse_timestamp(" 1750314425 "), Some(1_750_314_425_000));
        }

        #[test]
        fn anything_else_is_not_a_timestamp() {
            for text in [
                "",
                " ",
                "-1750314425",
                "+1750314425",
                "1e9",
                "17503x",
                "1.",
                ".5",
                "1.2.3",
                "yesterday",
                "99999999999999999999",
            ] {
                assert_eq!(parse_timestamp(text), None, "{text:?}");
            }
        }

        #[test]
        fn formatted_timestamps_parse_back_to_the_same_instant() {
            let at = UNIX_EPOCH + Duration::from_millis(1_750_314_425_773);
            assert_eq!(format_timestamp(at, TimestampFormat::Seconds), "1750314425");
            assert_eq!(
                format_timestamp(at, TimestampFormat::Millis),
                "1750314425773"
            );
            assert_eq!(
                format_timestamp(at, TimestampFormat::Iso8601),
                "2025-06-19T06:27:05.773Z"
            );
            for format in [TimestampFormat::Millis, TimestampFormat::Iso8601] {
                assert_eq!(
                    parse_timestamp(&format_timestamp(at, format)),
                    Some(1_750_314_425_773)
                );
            }
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn algorithm() -> impl Strategy<Value = HmacAlgorithm> {
            prop_oneof![
                Just(HmacAlgorithm::Sha256),
                Just(HmacAlgorithm::Sha512),
                Just(HmacAlgorithm::Sha1)
            ]
        }

        fn encoding() -> impl Strategy<Value = SignatureEncoding> {
            prop_oneof![
                Just(SignatureEncoding::Hex),
                Just(SignatureEncoding::Base64)
            ]
        }

        /// Templates made of placeholders and literal text (including braces),
        /// always signing the body.
        fn template() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("{timestamp}".to_owned()),
                Just("{method}".to_owned()),
                Just("{url}".to_owned()),
                Just("{svix-id}".to_owned()),
                "[.:|{} a-z]{0,4}",
            ];
            (
                prop::collection::vec(piece.clone(), 0..4),
                prop::collection::vec(piece, 0..3),
            )
                .prop_map(|(before, after)| {
                    format!("{}{{body}}{}", before.concat(), after.concat())
                })
        }

        fn timestamp_format() -> impl Strategy<Value = TimestampFormat> {
            prop_oneof![
                Just(TimestampFormat::Seconds),
                Just(TimestampFormat::Millis),
                Just(TimestampFormat::Iso8601)
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn whatever_an_hmac_plan_signs_it_accepts_and_a_flipped_body_byte_it_rejects(
                body in prop::collection::vec(any::<u8>(), 1..512),
                method in prop_oneof![Just("POST"), Just("PUT"), Just("GET"), Just("PATCH")],
                template in template(),
                algorithm in algorithm(),
                encoding in encoding(),
                prefix in prop::option::of(prop_oneof![Just("sha256="), Just("v1,"), Just("sig:")]),
                secret in "[ -~]{1,64}",
                base64_secret in any::<bool>(),
                format in timestamp_format(),
                skew in -299_i64..299,
                flip in any::<prop::sample::Index>(),
            ) {
                let secret = if base64_secret { STANDARD.encode(&secret) } else { secret };
                let signs_id = template.contains("{svix-id}");
                let plan = crate::with(HmacPlan::new(secret, algorithm), |p| { p.payload_format = Some(template); p.message_id_header = Some("svix-id".to_owned()); p.signature_encoding = encoding; p.signature_prefix = prefix.map(str::to_owned); p.secret_is_base64 = base64_secret; p.tolerance_seconds = Some(300); });
                let at = UNIX_EPOCH + Duration::from_secs((NOW_SECS as i64 + skew) as u64);
                let timestamp = format_timestamp(at, format);
                let signed = to_map(plan.sign(&SignInput {
                    method,
                    url: URL,
                    body: &body,
                    timestamp: &timestamp,
                    message_id: Some("msg_prop"),
                }).expect("signs"));

                let request = SignedRequest::new(method, URL, &signed, &body);
                let verified = plan.verify(&request, now()).expect("own signature accepted");
                // The id is handed on only when the signature covers it.
                prop_assert_eq!(verified.message_id.as_deref(), signs_id.then_some("msg_prop"));

                let mut tampered = body.clone();
                tampered[flip.index(body.len())] ^= 0x20;
                let request = SignedRequest::new(method, URL, &signed, &tampered);
                prop_assert_eq!(plan.verify(&request, now()), Err(AuthError::Mismatch));
            }

            #[test]
            fn whatever_standard_webhooks_signs_it_accepts_and_a_flipped_body_byte_it_rejects(
                body in prop::collection::vec(any::<u8>(), 1..512),
                key in prop::collection::vec(any::<u8>(), 1..64),
                id in "msg_[A-Za-z0-9]{1,24}",
                skew in -299_i64..299,
                flip in any::<prop::sample::Index>(),
            ) {
                let plan = StandardWebhooksPlan::new(format!("whsec_{}", STANDARD.encode(&key)));
                let timestamp = (NOW_SECS as i64 + skew).to_string();
                let signed = to_map(plan.sign(&SignInput {
                    method: "POST",
                    url: URL,
                    body: &body,
                    timestamp: &timestamp,
                    message_id: Some(&id),
                }).expect("signs"));
                let verified = plan.verify(&post(&signed, &body), now()).expect("own signature accepted");
                prop_assert_eq!(verified.message_id.as_deref(), Some(id.as_str()));

                let mut tampered = body.clone();
                tampered[flip.index(body.len())] ^= 0x01;
                prop_assert_eq!(plan.verify(&post(&signed, &tampered), now()), Err(AuthError::Mismatch));
            }

            #[test]
            fn arbitrary_signature_headers_never_panic(value in "[ -~]{0,200}") {
                let received = headers(&[
                    ("x-signature", &value),
                    ("x-timestamp", "1750314425"),
                    ("webhook-id", "msg_1"),
                    ("webhook-timestamp", "1750314425"),
                    ("webhook-signature", &value),
                ]);
                let verifiers: Vec<Verifier> = vec![
                    HmacPlan::new("k", HmacAlgorithm::Sha256).into(),
                    StandardWebhooksPlan::new("whsec_AAAA").into(),
                ];
                for verifier in &verifiers {
                    prop_assert!(verifier.verify(&post(&received, BODY), now()).is_err());
                }
            }

            #[test]
            fn arbitrary_timestamp_text_never_panics(text in "\\PC{0,40}") {
                let _ = parse_timestamp(&text);
            }
        }
    }
}

/// A plan changed from `base` (the plans are non-exhaustive: no struct
/// update syntax outside the crate).
fn with<T>(mut base: T, change: impl FnOnce(&mut T)) -> T {
    change(&mut base);
    base
}
