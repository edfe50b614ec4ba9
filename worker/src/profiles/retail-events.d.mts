import type { IdentifyEvent, TrackEvent } from '@portrait/protocol';

export interface RetailRow {
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  invoiceDate: string;
  unitPrice: number;
  customerId: string | null;
  country: string;
}

export interface RetailInvoice {
  invoiceNo: string;
  customerId: string;
  country: string;
  invoiceDate: string;
  cancelled: boolean;
  lines: RetailRow[];
  /** Sum of quantity x unit price, rounded to pence (negative for cancellations). */
  total: number;
}

export function parseCsvLine(line: string): string[];
export function ukTimeToIso(value: string): string;
export function parseRetailRow(line: string): RetailRow | null;
export function readRetailRows(file: string): Promise<RetailRow[]>;
export function invoiceTotal(lines: RetailRow[]): number;
export function groupInvoices(rows: RetailRow[]): RetailInvoice[];
export function invoiceEvent(invoice: RetailInvoice): TrackEvent;
export function identifyEvents(invoices: RetailInvoice[]): IdentifyEvent[];
export function retailEvents(invoices: RetailInvoice[]): Array<TrackEvent | IdentifyEvent>;
