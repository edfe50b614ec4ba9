/**
 * Turns the UCI "Online Retail" data set (../shared/data/online-retail.csv.gz) into
 * Segment events: one `Order Completed` per invoice (products from its lines, revenue =
 * sum of quantity x unit price, timestamp = InvoiceDate in UK time, userId = CustomerID),
 * cancellations (InvoiceNo starting with "C") as `Order Cancelled` with the absolute
 * amount, and one identify per customer with `traits.address.country`. Lines without a
 * customer are skipped. messageIds derive from invoice numbers, so replays are idempotent.
 *
 * Plain JavaScript with no dependencies so the seeding script (plain node) and the tests,
 * benchmarks (TypeScript) share one definition. Types: retail-events.d.mts.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';

/** Products kept per event so every event stays well under the collector's 32 KB limit. */
const MAX_PRODUCTS_BYTES = 24 * 1024;

/** Splits one CSV line (RFC 4180 quoting). */
export function parseCsvLine(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') { value += '"'; i += 2; continue; }
          i++;
          break;
        }
        value += line[i++];
      }
      out.push(value);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}

/** Last Sunday of a month (UTC day number of month). */
function lastSunday(year, month) {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** "YYYY-MM-DD HH:MM:SS" in UK time (GMT, or BST from the last Sunday of March to the last Sunday of October, 01:00 UTC) to ISO UTC. */
export function ukTimeToIso(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) throw new Error(`not a date-time: ${JSON.stringify(value)}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const local = Date.UTC(y, mo - 1, d, h, mi, s || 0);
  const bstStart = Date.UTC(y, 2, lastSunday(y, 2), 1);
  const bstEnd = Date.UTC(y, 9, lastSunday(y, 9), 1);
  const asBst = local - 3_600_000;
  const utc = asBst >= bstStart && asBst < bstEnd ? asBst : local;
  return new Date(utc).toISOString();
}

/** A data row: { invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country }; null for the header or a malformed line. */
export function parseRetailRow(line) {
  const f = parseCsvLine(line);
  if (f.length < 8 || f[0] === 'InvoiceNo') return null;
  const quantity = Number(f[3]);
  const unitPrice = Number(f[5]);
  if (!Number.isFinite(quantity) || !Number.isFinite(unitPrice)) return null;
  return {
    invoiceNo: f[0], stockCode: f[1], description: f[2], quantity, invoiceDate: f[4], unitPrice,
    customerId: f[6] === 'NA' || f[6] === '' ? null : f[6].replace(/\.0$/, ''), country: f[7],
  };
}

/**
 * Reads every row with a customer (others are skipped, as the seed does). A missing or
 * unreadable file rejects with its path; it never leaves the caller waiting.
 */
export async function readRetailRows(file) {
  const rows = [];
  const gunzip = createGunzip();
  // pipe() does not forward a read error: without this a missing file would hang the reader.
  const source = createReadStream(file).on('error', (err) => gunzip.destroy(err));
  const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const row = parseRetailRow(line);
      if (row && row.customerId) rows.push(row);
    }
  } catch (err) {
    throw new Error(`Could not read the retail data set ${file}: ${err.message}`, { cause: err });
  }
  return rows;
}

/**
 * Sum of quantity x unit price of invoice lines, in pounds rounded to pence. Computed in
 * integer tenths of a penny (prices have at most 3 decimals), so it is exact.
 */
export function invoiceTotal(lines) {
  let milli = 0;
  for (const l of lines) milli += l.quantity * Math.round(l.unitPrice * 1000);
  return Math.round(milli / 10) / 100;
}

/** Groups rows by invoice, in first-seen order: { invoiceNo, customerId, country, invoiceDate, cancelled, lines, total }. */
export function groupInvoices(rows) {
  const invoices = new Map();
  for (const row of rows) {
    let inv = invoices.get(row.invoiceNo);
    if (!inv) {
      inv = { invoiceNo: row.invoiceNo, customerId: row.customerId, country: row.country, invoiceDate: row.invoiceDate, cancelled: row.invoiceNo.startsWith('C'), lines: [], total: 0 };
      invoices.set(row.invoiceNo, inv);
    }
    inv.lines.push(row);
  }
  for (const inv of invoices.values()) inv.total = invoiceTotal(inv.lines);
  return [...invoices.values()];
}

/** The event for one invoice (Order Completed, or Order Cancelled for "C" invoices). */
export function invoiceEvent(invoice) {
  const products = [];
  let bytes = 0;
  for (const line of invoice.lines) {
    const p = { product_id: line.stockCode, sku: line.stockCode, name: line.description, price: line.unitPrice, quantity: Math.abs(line.quantity) };
    bytes += JSON.stringify(p).length + 1;
    if (bytes > MAX_PRODUCTS_BYTES) break;
    products.push(p);
  }
  const properties = {
    order_id: invoice.invoiceNo,
    revenue: invoice.cancelled ? Math.abs(invoice.total) : invoice.total,
    currency: 'GBP',
    products,
  };
  if (products.length < invoice.lines.length) properties.products_truncated = invoice.lines.length - products.length;
  return {
    type: 'track',
    event: invoice.cancelled ? 'Order Cancelled' : 'Order Completed',
    messageId: `retail-${invoice.invoiceNo}`,
    userId: invoice.customerId,
    timestamp: ukTimeToIso(invoice.invoiceDate),
    properties,
  };
}

/** One identify per customer, at their first invoice, with their country. */
export function identifyEvents(invoices) {
  const first = new Map();
  for (const inv of invoices) {
    const t = ukTimeToIso(inv.invoiceDate);
    const prev = first.get(inv.customerId);
    if (!prev || t < prev.timestamp) first.set(inv.customerId, { timestamp: t, country: inv.country });
  }
  return [...first].map(([customerId, { timestamp, country }]) => ({
    type: 'identify',
    messageId: `retail-identify-${customerId}`,
    userId: customerId,
    timestamp,
    traits: { address: { country } },
  }));
}

/** Every event of the given invoices: identifies first, then invoices in file order. */
export function retailEvents(invoices) {
  return [...identifyEvents(invoices), ...invoices.map(invoiceEvent)];
}
