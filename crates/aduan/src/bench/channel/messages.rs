//! The citizens' side of the SMS flood: their numbers and texts, signed Twilio webhooks,
//! and the clients that post them.

use super::*;

/// The finest level of regions the server has, and their names (`Kelurahan`, …).
pub(super) async fn place_names(api: &Api) -> anyhow::Result<(String, Vec<String>)> {
    for level in ["kelurahan", "kecamatan"] {
        let regions: Vec<NamedRegion> = api.get(&format!("/regions?level={level}")).await?;
        if !regions.is_empty() {
            let mut label = level.to_owned();
            label[..1].make_ascii_uppercase();
            return Ok((label, regions.into_iter().map(|r| r.name).collect()));
        }
    }
    bail!("the server has no kecamatan or kelurahan to name in the messages")
}

/// `count` distinct Indonesian mobile numbers in E.164 (`+62812…`).
pub(super) fn phone_numbers(rng: &mut StdRng, count: usize) -> Vec<String> {
    let mut seen = HashSet::with_capacity(count);
    let mut numbers = Vec::with_capacity(count);
    while numbers.len() < count {
        let prefix = MOBILE_PREFIXES[rng.random_range(0..MOBILE_PREFIXES.len())];
        let number = format!("+62{prefix}{:08}", rng.random_range(0..100_000_000u32));
        if seen.insert(number.clone()) {
            numbers.push(number);
        }
    }
    numbers
}

/// What citizens text: the JSON bench's complaint descriptions, with the place named as
/// people do in an SMS (there is no map pin).
pub(super) fn texts(
    rng: &mut StdRng,
    categories: &[CategoryInfo],
    level: &str,
    places: &[String],
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let locations = Locations::Points;
    let mut generator = Generator {
        rng: StdRng::seed_from_u64(rng.random()),
        categories,
        locations: &locations,
    };
    let mut texts = Vec::with_capacity(count);
    for _ in 0..count {
        let description = generator.any_description()?;
        let place = places.choose(rng).context("no place names")?;
        let text = match rng.random_range(0..3) {
            0 => format!("Lapor: {description} Lokasi: {level} {place}."),
            1 => format!("{description} ({level} {place})"),
            _ => format!("Selamat siang, saya warga {level} {place}. {description}"),
        };
        texts.push(text);
    }
    Ok(texts)
}

/// A message from one of `numbers`, as Twilio posts it, signed.
pub(super) fn sms(
    rng: &mut StdRng,
    account: &Account,
    numbers: &[String],
    text: String,
) -> anyhow::Result<Sms> {
    let sid = format!("SM{:032x}", rng.random::<u128>());
    if numbers.is_empty() {
        bail!("no phone numbers");
    }
    let from = rng.random_range(0..numbers.len());
    // GSM-7 segments: 160 characters alone, 153 each when concatenated.
    let segments = match text.chars().count() {
        0..=160 => 1,
        n => n.div_ceil(153),
    };
    let params: Vec<(String, String)> = [
        ("ToCountry", "ID".to_owned()),
        ("SmsMessageSid", sid.clone()),
        ("NumMedia", "0".to_owned()),
        ("SmsSid", sid.clone()),
        ("SmsStatus", "received".to_owned()),
        ("Body", text),
        ("FromCountry", "ID".to_owned()),
        ("To", CITY_NUMBER.to_owned()),
        ("NumSegments", segments.to_string()),
        ("MessageSid", sid.clone()),
        ("AccountSid", account.sid.clone()),
        ("From", numbers[from].clone()),
        ("ApiVersion", "2010-04-01".to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    let url = format!("{PUBLIC_BASE_URL}{INBOUND_PATH}");
    let signature = HeaderValue::from_str(&twilio_signature(&account.auth_token, &url, &params))?;
    Ok(Sms {
        sid,
        from,
        params,
        signature,
    })
}

/// Round-robin over `clients`.
pub(super) fn deal(messages: Vec<Sms>, clients: usize) -> Vec<Vec<Sms>> {
    let mut dealt: Vec<Vec<Sms>> = (0..clients)
        .map(|_| Vec::with_capacity(messages.len() / clients + 1))
        .collect();
    for (i, message) in messages.into_iter().enumerate() {
        dealt[i % clients].push(message);
    }
    dealt
}

/// Every client posts its messages one after another, all clients at once. The outcome's
/// `tickets` are the acknowledged messages: (sender, MessageSid).
pub(super) async fn run_phase(
    http: &reqwest::Client,
    url: &str,
    clients: Vec<Vec<Sms>>,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for messages in clients {
        let (http, url) = (http.clone(), url.to_owned());
        tasks.spawn(async move {
            let mut out = Outcome {
                latencies_us: Vec::with_capacity(messages.len()),
                tickets: Vec::with_capacity(messages.len()),
                ..Outcome::default()
            };
            for message in messages {
                let sent = Instant::now();
                match post(&http, &url, &message).await {
                    Ok(()) => {
                        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                        out.latencies_us.push(micros);
                        out.tickets.push((message.from, message.sid));
                    }
                    Err((kind, sample)) => {
                        out.failures.entry(kind).or_insert((0, sample)).0 += 1;
                    }
                }
            }
            out
        });
    }
    let mut total = Outcome::default();
    while let Some(done) = tasks.join_next().await {
        total.merge(done.context("a client task failed")?);
    }
    total.wall = started.elapsed();
    Ok(total)
}

/// Post one webhook; a 200 (read to the end) acknowledges it.
async fn post(http: &reqwest::Client, url: &str, message: &Sms) -> Result<(), (String, String)> {
    let response = http
        .post(url)
        .header(SIGNATURE_HEADER, message.signature.clone())
        .form(&message.params)
        .send()
        .await
        .map_err(|e| ("transport".to_owned(), e.to_string()))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ("transport".to_owned(), e.to_string()))?;
    if status == StatusCode::OK {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&bytes).chars().take(300).collect();
        Err((status.as_u16().to_string(), text))
    }
}
