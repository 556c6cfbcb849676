import { useQuery } from '@tanstack/react-query';
import { ExternalLink, Receipt } from 'lucide-react';
import { EmptyState } from '../components/states/empty-state.tsx';
import { FailureAlert } from '../components/states/failure-alert.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { invoicesQuery } from './billing-queries.ts';
import { day, money } from './plan-words.ts';

const STATUS: Record<string, string> = { draft: 'Draft', open: 'Due', paid: 'Paid', uncollectible: 'Uncollectible', void: 'Void' };

/** The team's invoices, newest first, each with Stripe's page to pay it or download it. */
export function InvoicesCard({ tenantId }: { tenantId: string }) {
  const invoices = useQuery(invoicesQuery(tenantId));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Invoices</CardTitle>
        <CardDescription>Each opens on Stripe, where it can be paid or downloaded as a PDF.</CardDescription>
      </CardHeader>
      <CardContent>
        {invoices.isPending && <p role="status" className="text-sm text-muted-foreground">Reading the invoices…</p>}
        <FailureAlert failure={invoices.error} fallback="The invoices were not read" />
        {invoices.data?.length === 0 && (
          <EmptyState icon={Receipt} title="No invoices yet">
            Stripe issues one when a paid plan starts and at each renewal.
          </EmptyState>
        )}
        {invoices.data && invoices.data.length > 0 && (
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">Invoices, newest first</caption>
              <thead className="bg-muted text-left">
                <tr>
                  <th scope="col" className="p-2 font-medium">Issued</th>
                  <th scope="col" className="p-2 text-right font-medium">Amount</th>
                  <th scope="col" className="p-2 font-medium">Status</th>
                  <th scope="col" className="p-2 font-medium"><span className="sr-only">Link</span></th>
                </tr>
              </thead>
              <tbody className="divide-y">
                {invoices.data.map((invoice) => (
                  <tr key={invoice.id}>
                    <td className="p-2">{day(invoice.issued_at)}</td>
                    <td className="p-2 text-right tabular-nums">{money(invoice.status === 'paid' ? invoice.amount_paid_cents : invoice.amount_due_cents, invoice.currency)}</td>
                    <td className="p-2">{STATUS[invoice.status] ?? invoice.status}</td>
                    <td className="p-2">
                      {invoice.hosted_invoice_url && (
                        <a href={invoice.hosted_invoice_url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 text-primary underline underline-offset-4">
                          {invoice.status === 'open' ? 'Pay' : 'View'} invoice
                          <span className="sr-only"> of {day(invoice.issued_at)} (opens Stripe in a new tab)</span>
                          <ExternalLink className="size-3.5" aria-hidden="true" />
                        </a>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
