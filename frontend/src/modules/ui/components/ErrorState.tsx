import { errorMessage } from "@/api/errors";

import { Banner } from "./Banner";
import { Button } from "./Button";

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Banner tone="danger" title="This didn't load" actions={onRetry ? <Button variant="secondary" size="sm" onClick={onRetry}>Try again</Button> : null}>
      {errorMessage(error)}
    </Banner>
  );
}
