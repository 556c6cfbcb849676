import { useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate, useSearch } from '@tanstack/react-router';
import { Check } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { meQuery } from '../account/me-query.ts';
import { api } from '../api/client.ts';
import { CampaignFormCard } from '../campaigns/campaign-form.tsx';
import { campaignKeys, campaignsQuery, npcsQuery } from '../campaigns/campaign-queries.ts';
import { NpcEditor } from '../campaigns/npc-form.tsx';
import { PageLoading } from '../components/states/page-loading.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { cn } from '../lib/cn.ts';
import { BotStep } from '../onboarding/bot-form.tsx';
import { GuildsStep } from '../onboarding/guilds-step.tsx';
import { planChosen, PlanStep } from '../onboarding/plan-step.tsx';
import { TalkStep } from '../onboarding/talk-step.tsx';
import { ownTeam, tenantQuery } from '../onboarding/onboarding-queries.ts';
import { currentStep, stepsFor, type OnboardingStep, type SetupState } from '../onboarding/onboarding-steps.ts';

/**
 * A new DM's setup, one step at a time. Which step is current is read from the API each
 * time (campaigns, the tenant's bot and its servers, its plan, the campaign's NPCs), so a reload resumes where the
 * DM left off and a step counts as done only once the edge has accepted it.
 */
function Onboarding() {
  const { data: me } = useSuspenseQuery(meQuery);
  const team = ownTeam(me);
  return (
    <>
      <h1 className="text-2xl font-semibold">Set up Glyphoxa</h1>
      {team ? (
        <Steps tenantId={team} />
      ) : (
        <p className="text-sm text-muted-foreground">
          You do not own a team, so there is nothing to set up here. Your team's owner sets up its bot; <Link to="/" className="text-primary underline underline-offset-4">go home</Link> to see the teams you are in.
        </p>
      )}
    </>
  );
}

function Steps({ tenantId }: { tenantId: string }) {
  const { data: campaigns } = useSuspenseQuery(campaignsQuery(tenantId));
  const { data: tenant } = useSuspenseQuery(tenantQuery(tenantId));
  const campaign = campaigns.find((c) => c.id === tenant.campaign_id) ?? campaigns[0];
  const npcs = useQuery({ ...npcsQuery(tenantId, campaign?.id ?? ''), enabled: !!campaign });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const checkout = useSearch({ from: '/signed-in/onboarding' }).checkout;
  // Apprentice chosen in this browser: no request to wait for, so the step list is asked again.
  const [, chose] = useState(0);
  if (campaign && !npcs.data) return <PageLoading />;
  const npcCount = npcs.data?.length ?? 0;
  // The tenant view names no plan where the installation does not bill (edge/src/views/tenant.ts).
  const plan: SetupState['plan'] = tenant.limits.plan === null ? 'off' : planChosen(tenantId, tenant.limits.plan, npcCount) ? 'chosen' : 'open';
  const state: SetupState = { campaigns: campaigns.length, bot: tenant, guilds: tenant.guild_ids.length, plan, npcs: npcCount };
  const step = currentStep(state);
  return (
    <>
      <StepList steps={stepsFor(state)} current={step} />
      {step === 'campaign' && (
        <StepCard title="Name your first campaign" description="A campaign holds the NPCs that speak in your sessions. Only the name is needed now.">
          <CampaignFormCard
            submitLabel="Create campaign"
            onSave={async (body) => {
              await api.tenants[':id'].campaigns.$post({ param: { id: tenantId }, json: body });
              await queryClient.invalidateQueries({ queryKey: campaignKeys.list(tenantId) });
            }}
          />
        </StepCard>
      )}
      {step === 'bot' && (
        <StepCard title="Add your Discord bot" description="Create an application at discord.com/developers, add a bot to it, and copy its ids here. Your players talk to your NPCs through it.">
          <BotStep tenantId={tenantId} applicationId={tenant.discord_application_id} publicKey={tenant.discord_public_key} />
        </StepCard>
      )}
      {step === 'guilds' && tenant.discord_application_id && (
        <StepCard title="Pick your servers" description="The Discord servers where your players use Glyphoxa's slash commands. Your bot has to be in a server to be picked.">
          <GuildsStep tenantId={tenantId} applicationId={tenant.discord_application_id} chosen={tenant.guild_ids} />
        </StepCard>
      )}
      {step === 'plan' && (
        <StepCard title="Choose a plan" description="Apprentice is free and enough to try Glyphoxa: two sessions a month, two NPCs. A paid plan is paid on Stripe's checkout page, and can be changed or canceled at any time.">
          <PlanStep tenantId={tenantId} checkout={checkout} onChosen={() => (chose((n) => n + 1), void queryClient.invalidateQueries({ queryKey: tenantQuery(tenantId).queryKey }))} />
        </StepCard>
      )}
      {step === 'npc' && campaign && (
        <StepCard title="Create your first NPC" description={`The first voice of ${campaign.name}. Every field can be changed later in the NPC editor.`}>
          <NpcEditor
            tenantId={tenantId}
            onSave={async (body) => {
              await api.tenants[':id'].campaigns[':campaignId'].npcs.$post({ param: { id: tenantId, campaignId: campaign.id }, json: body });
              await queryClient.invalidateQueries({ queryKey: campaignKeys.npcs(tenantId, campaign.id) });
            }}
          />
        </StepCard>
      )}
      {step === 'done' && campaign && npcs.data?.[0] && (
        <StepCard title={`Talk to ${npcs.data[0].name}`} description="You are set up: your campaign, bot, servers and first NPC are saved. Hear your NPC now, right here in the browser; later, start sessions from Discord or the dashboard.">
          <TalkStep tenantId={tenantId} campaignId={campaign.id} npcName={npcs.data[0].name} guildIds={tenant.guild_ids} />
          <Button variant="outline" className="self-start" onClick={() => navigate({ to: '/' })}>
            Go to your home screen
          </Button>
        </StepCard>
      )}
      {step !== 'done' && (
        <p className="text-sm text-muted-foreground">
          Everything you save is kept: come back to <span className="font-mono">/onboarding</span> to continue, or{' '}
          <Link to="/" className="text-primary underline underline-offset-4">
            finish setup later
          </Link>
          .
        </p>
      )}
    </>
  );
}

/** The steps, the current one marked for screen readers too. */
function StepList({ steps, current }: { steps: ReturnType<typeof stepsFor>; current: OnboardingStep }) {
  const at = current === 'done' ? steps.length : steps.findIndex((s) => s.id === current);
  return (
    <ol aria-label="Setup steps" className={cn('grid gap-2 sm:grid-cols-2', steps.length > 4 ? 'lg:grid-cols-5' : 'lg:grid-cols-4')}>
      {steps.map((s, i) => (
        <li key={s.id} aria-current={i === at ? 'step' : undefined} className={cn('flex items-center gap-2 rounded-md border p-3 text-sm', i === at && 'border-primary font-medium', i > at && 'text-muted-foreground')}>
          <span className="flex size-6 shrink-0 items-center justify-center rounded-full border text-xs" aria-hidden="true">
            {i < at ? <Check className="size-4" /> : i + 1}
          </span>
          {s.title}
          {i < at && <span className="sr-only"> (done)</span>}
        </li>
      ))}
    </ol>
  );
}

function StepCard({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">{children}</CardContent>
    </Card>
  );
}

export const route = createLazyRoute('/signed-in/onboarding')({ component: Onboarding });
