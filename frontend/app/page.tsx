import { HomeRoute } from "@/modules/site/components/HomeRoute";

export default function Page() {
  return <HomeRoute />;
}
