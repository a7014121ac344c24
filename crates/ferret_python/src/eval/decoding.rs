//! Decoding at run time folded here: decoder calls (base64, hex, zlib, codecs, Fernet, ...),
//! `eval` of constant strings, the seeded-random loader, and decoded Python scanned as a nested
//! module (`exec_sink`, `nested_scan`) with its payload recorded.

use super::*;

impl<'a> Walker<'a, '_> {
    /// `eval("<constant>")`: the string is an expression evaluated in the current scope, so it
    /// is folded like one (`eval("eval")` is `eval`, `eval("codecs.decode(a, b)")` decodes).
    /// Folding only: no facts (the string was scanned as code by `exec_sink`).
    pub(super) fn fold_eval(&mut self, a: &Val<'a>) -> Option<Val<'a>> {
        let text = match &a.v {
            V::Str(s) => &**s,
            V::Bytes(b) => std::str::from_utf8(b).ok()?,
            _ => return None,
        };
        if self.inline_depth >= MAX_INLINE {
            self.inline_limit_hit = true;
            return None;
        }
        let expr = self.const_expr(text)?;
        self.inline_depth += 1;
        let emit = std::mem::replace(&mut self.emit, false);
        let mut v = self.eval(expr);
        self.emit = emit;
        self.inline_depth -= 1;
        if !v.is_known() {
            return None;
        }
        v.dynamic = true;
        v.flows |= a.flows;
        if v.chain.len() < a.chain.len() {
            v.chain = a.chain.clone();
        }
        Some(v)
    }

    /// The expression a constant string parses to, parsed once per distinct text.
    fn const_expr(&mut self, text: &str) -> Option<&'a Expr> {
        let text = text.trim_matches(|c| c == ' ' || c == '\t');
        if let Some(e) = self.eval_cache.get(text) {
            return *e;
        }
        if text.is_empty() || text.len() > self.budget.max_value {
            return None;
        }
        let cells: &'a [OnceCell<Parsed<ast::ModExpression>>] = self.eval_exprs;
        let expr = match (
            cells.get(self.eval_next),
            ruff_python_parser::parse_expression(text),
        ) {
            (Some(cell), Ok(parsed)) => {
                self.eval_next += 1;
                let _ = cell.set(parsed);
                cell.get().map(|p| &*p.syntax().body)
            }
            _ => None,
        };
        // The keys are copies of texts: bounded, past which a text is parsed again when asked.
        if self.eval_cache_bytes + text.len() <= MAX_EVAL_CACHE_BYTES {
            self.eval_cache_bytes += text.len();
            self.eval_cache.insert(text.into(), expr);
        }
        expr
    }

    /// The pyobfuscate.com loader: a module-level string of integers, each a character code
    /// times `random.randint(1, N)` after `random.seed(S)`, where S hides in another module
    /// string as `base64(rot13(base64(zlib(...))))` of its digits and N is a lambda parameter's
    /// default. The loader runs the division in an `exec` of a built string, so it is replayed
    /// here from the parts; the text is scanned as decoded code.
    pub(super) fn seeded_random_payloads(&mut self, body: &'a [Stmt]) {
        if !self.emit || !self.text.contains("randint") {
            return;
        }
        let mut ints: Vec<(&'a Stmt, String)> = Vec::new();
        let mut seeds: Vec<u128> = Vec::new();
        let mut spans: Vec<i64> = Vec::new();
        for s in body.iter().take(10_000) {
            let Stmt::Assign(a) = s else { continue };
            match &*a.value {
                Expr::StringLiteral(lit) => {
                    let text = lit.value.to_str();
                    let words = text.split_whitespace().take(9).count();
                    if words > 8
                        && text
                            .split_whitespace()
                            .all(|w| w.bytes().all(|b| b.is_ascii_digit()))
                    {
                        ints.push((s, text.to_string()));
                    } else if (8..=512).contains(&text.len()) {
                        if let Some(seed) = hidden_seed(text.as_bytes()) {
                            seeds.push(seed);
                        }
                    }
                }
                Expr::Lambda(l) => {
                    for p in l
                        .parameters
                        .iter()
                        .flat_map(|p| p.iter_non_variadic_params())
                    {
                        if let Some(Expr::NumberLiteral(n)) = p.default.as_deref() {
                            if let Number::Int(i) = &n.value {
                                spans.extend(i.as_i64().filter(|&i| i > 1));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if ints.is_empty() || seeds.is_empty() || spans.is_empty() {
            return;
        }
        let cap = self
            .budget
            .max_value
            .min(self.budget.max_decoded.saturating_sub(self.budget.decoded));
        for (stmt, text) in ints.into_iter().take(4) {
            for &seed in seeds.iter().take(4) {
                for &hi in spans.iter().take(4) {
                    let Ok(out) = decode::seeded_random_division(&text, seed, hi, cap) else {
                        continue;
                    };
                    if !decode::looks_like_python(&out) {
                        continue;
                    }
                    self.budget.decoded += out.len();
                    self.nested_scan(&out, &[Step::SeededRandom], stmt.range());
                    return;
                }
            }
        }
    }

    pub(super) fn decode_fernet(
        &mut self,
        key: &[u8],
        token: &Val<'a>,
        c: &'a ExprCall,
    ) -> Val<'a> {
        let key = key.to_vec();
        self.decode_step(token, Step::Fernet, c, move |data, cap| {
            decode::fernet(&key, data, cap)
        })
    }

    pub(super) fn decode(&mut self, input: &Val<'a>, step: Step, c: &'a ExprCall) -> Val<'a> {
        self.decode_with(input, step, false, c)
    }

    pub(super) fn decode_with(
        &mut self,
        input: &Val<'a>,
        step: Step,
        urlsafe: bool,
        c: &'a ExprCall,
    ) -> Val<'a> {
        if step == Step::Marshal {
            let unknown = Val::unknown().with_flows(input.flows | flow::DECODED);
            let Some(data) = input.as_bytes() else {
                return unknown;
            };
            let mut chain = input.chain.to_vec();
            chain.push(Step::Marshal);
            let idx = self.record_payload(&chain, data, false);
            // Names and constants inside the code object are readable: rules see them.
            for run in printable_runs(data, 4).into_iter().take(256) {
                let value = truncate(&run, 4096);
                self.fact(
                    FactKind::Str {
                        value,
                        origin: Origin::Decoded,
                    },
                    c.range(),
                    Some(idx),
                );
            }
            let mut v = Val::new(V::Code).with_flows(input.flows | flow::DECODED);
            v.origin = Origin::Decoded;
            v.chain = Chain::from(chain);
            v.set_payload(idx);
            return v;
        }
        self.decode_step(input, step, c, move |data, cap| match step {
            Step::Base64 => decode::base64(data, urlsafe, cap),
            Step::Base32 => decode::base32(data, cap),
            Step::Base16 | Step::Hex => decode::hex(data, cap),
            Step::Base85 => decode::base85(data, cap),
            Step::Ascii85 => decode::ascii85(data, cap),
            Step::Zlib => decode::zlib(data, cap),
            Step::Gzip => decode::gzip(data, cap),
            Step::Bz2 => decode::bz2(data, cap),
            Step::Lzma => decode::lzma(data, cap),
            Step::Rot13 => Ok(decode::rot13(&lossy(data)).into_bytes()),
            Step::Unquote => Ok(decode::unquote(data)),
            Step::Uu => decode::uu(data, cap),
            Step::Reverse | Step::Xor | Step::Fernet | Step::Marshal | Step::SeededRandom => {
                Err(DecodeError::Invalid)
            }
        })
    }

    /// Runs one decoder on a known value, within the file's decoding budget; decoded Python is
    /// scanned as source, other decoded text becomes a string fact.
    fn decode_step(
        &mut self,
        input: &Val<'a>,
        step: Step,
        c: &'a ExprCall,
        run: impl FnOnce(&[u8], usize) -> decode::Result<Vec<u8>>,
    ) -> Val<'a> {
        let unknown = Val::unknown().with_flows(input.flows | flow::DECODED);
        let Some(data) = input.as_bytes() else {
            return unknown;
        };
        if self.budget.decode_exhausted {
            return unknown;
        }
        let cap = self
            .budget
            .max_value
            .min(self.budget.max_decoded.saturating_sub(self.budget.decoded));
        let res = run(data, cap);
        let out = match res {
            Ok(out) => out,
            Err(DecodeError::TooLarge) => {
                self.budget.decode_exhausted = true;
                self.out.issues.push(SourceIssue {
                    code: "decode-budget",
                    start: self.abs(c.range()).0,
                    end: self.abs(c.range()).1,
                    detail: format!("{} payload decodes past {} bytes (a decompression bomb?); not decoded further", step.as_str(), cap),
                    incomplete: true,
                });
                return unknown;
            }
            Err(DecodeError::Invalid) => return unknown,
        };
        self.budget.decoded += out.len();
        let mut chain = input.chain.to_vec();
        chain.push(step);
        let text_like = std::str::from_utf8(&out).is_ok();
        let mut v = if step == Step::Rot13
            || (text_like && matches!(input.v, V::Str(_)) && step == Step::Unquote)
        {
            Val::new(V::Str(lossy(&out).into()))
        } else {
            Val::new(V::Bytes(out.into()))
        };
        v.flows = input.flows | flow::DECODED;
        v.origin = Origin::Decoded;
        v.chain = Chain::from(chain);
        // Decoded Python is scanned as source; other decoded text is a string fact.
        if let Some(bytes) = v.as_bytes() {
            let bytes = bytes.to_vec();
            if decode::looks_like_python(&bytes) {
                if let Some(idx) = self.nested_scan(&bytes, &v.chain, c.range()) {
                    v.set_payload(idx);
                }
            } else if self.emit && std::str::from_utf8(&bytes).is_ok() {
                let idx = self.record_payload(&v.chain, &bytes, false);
                v.set_payload(idx);
                self.string_fact(&v, c.range());
            }
        }
        v
    }

    /// Decoded or character-built text that looks like Python is scanned where it is built,
    /// once (its payload then marks the value), whether or not an exec is seen to run it.
    pub(super) fn scan_built_python(&mut self, v: &mut Val<'a>, range: TextRange) {
        if !matches!(v.origin, Origin::Decoded | Origin::Obfuscated) || v.payload.is_some() {
            return;
        }
        if let Some(bytes) = v
            .as_bytes()
            .filter(|b| decode::looks_like_python(b))
            .map(<[u8]>::to_vec)
        {
            if let Some(idx) = self.nested_scan(&bytes, &v.chain.clone(), range) {
                v.set_payload(idx);
            }
        }
    }

    /// A value reaches exec/eval/compile: scan it as code (literal strings too: code in a
    /// string is still code).
    pub(super) fn exec_sink(&mut self, a: &Val<'a>, c: &'a ExprCall) {
        // Folding scans nothing (see `nested_scan`): no copy of the text to hand it.
        if !self.emit {
            return;
        }
        if let Some(e) = c.arguments.args.first() {
            for alt in self.alternative_results(e, self.call_choices) {
                if alt.payload_idx().is_some() {
                    continue;
                }
                if let Some(bytes) = alt.as_bytes().map(<[u8]>::to_vec) {
                    self.nested_scan(&bytes, &alt.chain, c.range());
                }
            }
        }
        if a.payload_idx().is_some() {
            return;
        }
        if let Some(bytes) = a.as_bytes() {
            let bytes = bytes.to_vec();
            self.exec_payload = self.nested_scan(&bytes, &a.chain, c.range());
        }
    }

    fn record_payload(&mut self, chain: &[Step], data: &[u8], python: bool) -> u32 {
        let prefix = self
            .nested
            .as_ref()
            .map(|n| n.chain.clone())
            .unwrap_or_default();
        let full: Vec<Step> = prefix.into_iter().chain(chain.iter().copied()).collect();
        let preview_src = &data[..data.len().min(2048)];
        let preview = if python
            || std::str::from_utf8(preview_src).is_ok()
            || lossy(preview_src).chars().all(|c| c != '\u{FFFD}')
        {
            lossy(preview_src).into_owned()
        } else {
            format!("<{} bytes of binary data>", data.len())
        };
        let preview = if chain.last() == Some(&Step::Marshal) {
            let strings = printable_runs(data, 3);
            format!(
                "<Python bytecode, {} bytes: code objects cannot be decompiled statically>\nnames and constants: {}",
                data.len(),
                strings.iter().take(40).map(String::as_str).collect::<Vec<_>>().join(", ")
            )
        } else {
            preview
        };
        self.out.payloads.push(Payload {
            chain: full,
            bytes: data.len(),
            python,
            preview,
            layer: self.layer + 1,
        });
        (self.out.payloads.len() - 1) as u32
    }

    pub(super) fn nested_scan(
        &mut self,
        data: &[u8],
        chain: &[Step],
        range: TextRange,
    ) -> Option<u32> {
        if !self.emit {
            return None;
        }
        if self.seen_payloads.contains(data) {
            return None;
        }
        self.seen_payloads.insert(data.into());
        if self.layer + 1 > self.opts.max_layers {
            let (start, end) = self.abs(range);
            self.out.issues.push(SourceIssue {
                code: "decode-depth",
                start,
                end,
                detail: format!(
                    "more than {} layers of decoded code; not followed further",
                    self.opts.max_layers
                ),
                incomplete: true,
            });
            return None;
        }
        let text = lossy(data).into_owned();
        let idx = self.record_payload(chain, data, true);
        let (start, end) = self.abs(range);
        let full_chain = self.out.payloads[idx as usize].chain.clone();
        let nested = Nested {
            start,
            end,
            when: self.when(),
            payload: idx,
            layer: self.layer + 1,
            chain: full_chain,
        };
        analyze_source(
            &text,
            0,
            self.role,
            self.flows,
            self.opts,
            self.budget,
            self.out,
            Some(nested),
        );
        Some(idx)
    }
}

pub(super) fn decoder_step(callee: &str) -> Option<Step> {
    Some(match callee {
        "base64.b64decode"
        | "base64.standard_b64decode"
        | "base64.decodebytes"
        | "base64.decodestring"
        | "binascii.a2b_base64"
        | "base64.urlsafe_b64decode" => Step::Base64,
        "base64.b32decode" => Step::Base32,
        "base64.b16decode" => Step::Base16,
        "binascii.a2b_hex"
        | "binascii.unhexlify"
        | "builtins.bytes.fromhex"
        | "builtins.bytearray.fromhex" => Step::Hex,
        "base64.b85decode" => Step::Base85,
        "base64.a85decode" => Step::Ascii85,
        "zlib.decompress" => Step::Zlib,
        "gzip.decompress" => Step::Gzip,
        "bz2.decompress" => Step::Bz2,
        "lzma.decompress" => Step::Lzma,
        "urllib.parse.unquote"
        | "urllib.parse.unquote_plus"
        | "urllib.parse.unquote_to_bytes"
        | "urllib.unquote" => Step::Unquote,
        "marshal.loads" => Step::Marshal,
        _ => return None,
    })
}

pub(super) fn codec_step(name: &str) -> Option<Step> {
    Some(match name.to_ascii_lowercase().replace('-', "_").as_str() {
        "rot13" | "rot_13" => Step::Rot13,
        "hex" | "hex_codec" => Step::Hex,
        "base64" | "base64_codec" | "base_64" => Step::Base64,
        "zlib" | "zlib_codec" | "zip" => Step::Zlib,
        "bz2" | "bz2_codec" => Step::Bz2,
        "uu" | "uu_codec" => Step::Uu,
        _ => return None,
    })
}

impl Val<'_> {
    pub(super) fn payload_idx(&self) -> Option<u32> {
        self.payload
    }
    pub(super) fn set_payload(&mut self, idx: u32) {
        self.payload = Some(idx);
    }
    pub(super) fn payload_from(&mut self, other: &Val<'_>) {
        if self.payload.is_none() {
            self.payload = other.payload;
        }
    }
}

/// Runs of printable ASCII at least `min` long (names and constants inside bytecode).
fn printable_runs(data: &[u8], min: usize) -> Vec<String> {
    data.split(|b| !(0x20..0x7f).contains(b))
        .filter(|r| r.len() >= min)
        .map(|r| lossy(r).into_owned())
        .collect()
}

/// The seed hidden by pyobfuscate.com: `b64decode(rot13(zlib(b64decode(s))))` spells an int.
fn hidden_seed(s: &[u8]) -> Option<u128> {
    let z = decode::base64(s, false, 4096).ok()?;
    let t = decode::zlib(&z, 4096).ok()?;
    let r = decode::rot13(std::str::from_utf8(&t).ok()?);
    let digits = decode::base64(r.as_bytes(), false, 4096).ok()?;
    let digits = std::str::from_utf8(&digits).ok()?.trim();
    digits.parse().ok()
}
