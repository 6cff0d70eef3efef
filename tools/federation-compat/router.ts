// Stand-in for the Apollo Router the compatibility suite expects on localhost:4000: @apollo/gateway
// composing the three subgraphs by introspection, served by Apollo Server.
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({
    subgraphs: [
      { name: "products", url: process.env.PRODUCTS_URL ?? "http://localhost:4001/graphql" },
      { name: "users", url: "http://localhost:4002/" },
      { name: "inventory", url: "http://localhost:4003/" },
    ],
  }),
});

const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: 4000 } });
console.log(`router stand-in on ${url}`);
